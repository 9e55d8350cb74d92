from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "soridam.kb"
    label = "kb"
    verbose_name = "Knowledge base"
