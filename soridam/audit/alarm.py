"""Tell the admins that the audit log failed verification: a workspace alert and a mail naming the first
broken entry. Stream names and seqs only: an audit entry's data never goes into a mail."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from soridam.accounts.models import Role, User
from soridam.alerts import fanout
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.checkpoints import Problem

logger = logging.getLogger(__name__)
MAX_LISTED = 20


def alert_admins(problems: Sequence[Problem]) -> list[Alert]:
    """One unread alert per admin for the first problem (not repeated while unread) and one mail each."""
    first = problems[0]
    logger.error("audit log verification failed", extra={"problems": len(problems), "first": str(first)})
    with transaction.atomic():
        alerts = fanout.for_admins(AlertKind.AUDIT_BROKEN, detail=f"{first.stream} #{first.seq}"[:40])
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True).exclude(email="")
    for admin in admins:
        _mail(admin, problems)
    return alerts


def _mail(admin: User, problems: Sequence[Problem]) -> None:
    with translation.override(admin.language):
        subject = _("Soridam: the audit log failed verification")
        lines = [str(problem) for problem in problems[:MAX_LISTED]]
        body = "\n".join(
            [
                _("The audit log verification found %(count)d broken streams. The first broken entries:")
                % {"count": len(problems)},
                "",
                *lines,
                "",
                _("Run `manage.py verify_audit` for the full list. %(link)s")
                % {"link": settings.SITE_URL + "/admin/audit/auditentry/"},
            ]
        )
    send_mail(subject, body, None, [admin.email])
