from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "soridam.routing"
    label = "routing"
    verbose_name = "Routing"
