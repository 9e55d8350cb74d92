from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "soridam.audit"
    label = "audit"
    verbose_name = "Audit"
