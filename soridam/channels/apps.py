from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    # Django Channels already owns the label "channels".
    name = "soridam.channels"
    label = "soridam_channels"
    verbose_name = "Channels"
