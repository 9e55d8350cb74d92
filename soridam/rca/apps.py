from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RcaConfig(AppConfig):
    name = "soridam.rca"
    label = "rca"
    verbose_name = _("Root cause")
