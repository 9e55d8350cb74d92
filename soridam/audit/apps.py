from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "soridam.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from soridam.audit import checks, permissions

        del checks  # registered on import
        permissions.connect()
