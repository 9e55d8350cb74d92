from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "soridam.channels.chat"
    label = "chat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        # As the e-mail channel: the transport registers itself on import (channels.base.register).
        from soridam.channels.chat import transport  # noqa: F401
