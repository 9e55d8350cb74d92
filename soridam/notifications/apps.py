from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "soridam.notifications"
    label = "notifications"
    verbose_name = "Notifications"
