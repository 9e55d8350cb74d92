from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeutralsConfig(AppConfig):
    name = "soridam.neutrals"
    label = "neutrals"
    verbose_name = _("Mediators (neutrals)")
