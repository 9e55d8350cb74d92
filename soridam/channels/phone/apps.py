from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneLogConfig(AppConfig):
    name = "soridam.channels.phone"
    label = "phone_log"
    verbose_name = _("Phone log")
