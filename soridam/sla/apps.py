from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "soridam.sla"
    label = "sla"
    verbose_name = "SLA"
