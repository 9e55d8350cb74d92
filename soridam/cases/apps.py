from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "soridam.cases"
    label = "cases"
    verbose_name = "Cases"
