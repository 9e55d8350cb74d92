from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "soridam.triage"
    label = "triage"
    verbose_name = "Triage"
