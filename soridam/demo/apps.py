from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "soridam.demo"
    label = "demo"
    verbose_name = "Demo"
