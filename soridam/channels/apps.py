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
        from soridam.channels.line import transport as _line  # noqa: F401
        from soridam.channels.meta import transport as _meta  # noqa: F401
        from soridam.channels.navertalk import transport as _navertalk  # noqa: F401
        from soridam.channels.sms import transport as _sms  # noqa: F401
        from soridam.channels.telegram import transport as _telegram  # noqa: F401
