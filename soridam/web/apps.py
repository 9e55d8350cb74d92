from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "soridam.web"
    label = "web"
    verbose_name = "Web"
