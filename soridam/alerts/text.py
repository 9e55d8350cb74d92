"""How a notification reads, in the workspace list and in the e-mail digest."""

from __future__ import annotations

from django.utils.translation import gettext as _

from soridam.alerts.models import Alert, AlertKind
from soridam.sla.models import Target


def describe(alert: Alert) -> str:
    kind = str(AlertKind(alert.kind).label)
    if alert.kind == AlertKind.SLA_AT_RISK and alert.detail in Target.values:
        return _("%(kind)s: %(target)s") % {"kind": kind, "target": Target(alert.detail).label}
    if alert.kind == AlertKind.AUDIT_BROKEN and alert.detail:
        return _("%(kind)s: %(where)s") % {"kind": kind, "where": alert.detail}
    return kind
