"""Loading a dispute under permission, and the side the viewer takes in it (R-ODR-2)."""

from __future__ import annotations

import hashlib

import structlog
from django.db.models import Q, QuerySet
from django.http import Http404

from soridam.accounts.models import User
from soridam.cases.access import access_case_by_token
from soridam.odr.models import Dispute, Item, MerchantMember, Role
from soridam.odr.visibility import visible_to

log = structlog.get_logger(__name__)

RESPOND = "odr.respond_dispute"
OPEN = "odr.open_dispute"


def disputes_visible_to(user: User) -> QuerySet[Dispute]:
    """A merchant user sees only disputes naming their shop; the business's dispute staff see the business's
    disputes (those of shops without merchant users); a neutral sees those they are appointed to."""
    shops = MerchantMember.objects.filter(user=user).values("shop_id")
    wanted = Q(neutral=user) | Q(shop__in=shops)
    if user.has_perm(RESPOND):
        merchant_shops = MerchantMember.objects.values("shop_id")
        wanted |= Q(shop__isnull=True) | ~Q(shop__in=merchant_shops)
    return Dispute.objects.filter(wanted).distinct()


def role_of(user: User, dispute: Dispute) -> str:
    if dispute.neutral_id is not None and dispute.neutral_id == user.pk:
        return Role.NEUTRAL
    return Role.RESPONDENT


def access_dispute_by_user(user: User, dispute_id: int, *, for_update: bool = False) -> tuple[Dispute, str]:
    """The dispute and the user's side in it; 404 when the user may not see it (no hint that it exists)."""
    if not user.is_authenticated:
        raise Http404
    found = disputes_visible_to(user).filter(pk=dispute_id).values_list("pk", flat=True).first()
    if found is None:
        raise Http404
    rows = Dispute.objects.select_for_update(of=("self",)) if for_update else Dispute.objects.all()
    dispute = rows.select_related("case", "claimant", "shop").get(pk=found)
    return dispute, role_of(user, dispute)


def access_dispute_by_token(token: str, dispute_id: int, *, for_update: bool = False) -> tuple[Dispute, str]:
    """The customer's dispute behind the case's private tracking link: they are always the claimant."""
    case = access_case_by_token(token)
    rows = Dispute.objects.select_for_update(of=("self",)) if for_update else Dispute.objects.all()
    dispute = rows.select_related("case", "claimant", "shop").filter(pk=dispute_id, case=case).first()
    if dispute is None:
        raise Http404
    return dispute, Role.CLAIMANT


def access_evidence(dispute: Dispute, role: str, item_id: int) -> tuple[Item, bytes]:
    """An evidence file the viewer's side may see (the one visibility rule), read back only when it still matches
    the SHA-256 recorded at upload: a file changed on disk is never handed out as the party's evidence."""
    item = dispute.items.filter(pk=item_id, kind=Item.EVIDENCE).exclude(file="").first()
    if item is None or not visible_to(item, role):
        raise Http404
    with item.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != item.sha256:
        log.error("odr.evidence_hash_mismatch", dispute=dispute.pk, item=item.pk)
        raise Http404
    return item, content
