from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "soridam.followup"
    label = "followup"
    verbose_name = "Follow-up"
