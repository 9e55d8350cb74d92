from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    # Django Channels already owns the label "channels".
    name = "soridam.channels"
    label = "soridam_channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        # Each built-in channel registers its transport on import (base.register); the apps layer loads
        # them, so the framework (base) never imports a channel.
        from soridam.channels.email import transport  # noqa: F401
        from soridam.channels.kakao import transport as _kakao  # noqa: F401
        from soridam.channels.telegram import transport as _telegram  # noqa: F401
