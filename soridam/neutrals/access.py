"""Who may see and do what in the neutral's selection. Missing and "not yours" both answer 404.

- the roster and the outcome report: leads and administrators;
- a dispute's selection page: staff who may see the dispute's case;
- deciding an objection: administrators only;
- the disclosure: the drawn neutral alone, signed in (a neutral need not be staff);
- the claimant's objection: a signed link (as the CSAT survey's, ``followup.surveys``) naming the draw.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

from soridam.accounts.models import Role, User
from soridam.cases.access import cases_visible_to
from soridam.neutrals.models import Draw
from soridam.odr.models import Dispute

_SALT = "soridam.neutrals.objection"
_LINK_DAYS = 30  # longer than any objection window; the window itself is checked on every use


def may_oversee(user: User) -> bool:
    return user.is_support_staff and user.effective_role in (Role.LEAD, Role.ADMIN)


def may_decide(user: User) -> bool:
    return user.is_support_staff and user.effective_role == Role.ADMIN


def access_dispute(user: User, dispute_id: int) -> Dispute:
    visible = Dispute.objects.filter(case__in=cases_visible_to(user)).select_related("case", "claimant", "shop")
    dispute = visible.filter(pk=dispute_id).first()
    if dispute is None:
        raise Http404
    return dispute


def access_draw_as_neutral(user: User, draw_id: int) -> Draw:
    draw = Draw.objects.select_related("dispute", "neutral__user").filter(pk=draw_id, neutral__user=user).first()
    if draw is None:
        raise Http404
    return draw


def objection_token(draw: Draw) -> str:
    return signing.dumps(draw.pk, salt=_SALT, compress=True)


def objection_url(draw: Draw) -> str:
    return settings.SITE_URL + reverse("neutrals:object", args=[objection_token(draw)])


def access_draw_by_token(token: str) -> Draw:
    """The draw a signed objection link names; 404 for a forged, expired or unknown link."""
    try:
        draw_id = signing.loads(token, salt=_SALT, max_age=_LINK_DAYS * 86400)
    except signing.BadSignature:
        raise Http404 from None
    draw = Draw.objects.select_related("dispute__claimant", "neutral__user").filter(pk=draw_id).first()
    if draw is None:
        raise Http404
    return draw
