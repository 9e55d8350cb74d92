from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetaConfig(AppConfig):
    """WhatsApp Cloud, Messenger and Instagram: their transports register from ``soridam.channels`` (its
    ``ready``); this app holds the WhatsApp template registry and its migrations."""

    name = "soridam.channels.meta"
    label = "meta"
    verbose_name = _("Meta channels (WhatsApp, Messenger, Instagram)")
