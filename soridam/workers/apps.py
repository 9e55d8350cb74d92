from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "soridam.workers"
    label = "workers"
    verbose_name = "Task workers"
