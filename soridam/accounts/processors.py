"""Outside processors (R-SEC-13): a SaaS messenger or SMS provider stays off until an admin has accepted the
outsourcing and cross-border transfer notice for its kind.

The acceptance is checked where a channel account of such a kind is switched on (the channel admin), where
it takes in messages (the webhook) and where it sends (the outbox). An acceptance counts only for the notice
it was given for: a changed notice text has a new hash and must be accepted again.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied

from soridam.accounts.models import ProcessorAcceptance, ProcessorKind, User

NOTICE = (
    "개인정보 처리위탁 및 국외 이전 고지: 이 채널을 켜면 고객의 이름, 연락처 식별자와 메시지 내용이 해당 메신저·문자 "
    "사업자(수탁자)에게 전달되어 처리되며, 사업자의 서버가 국외에 있으면 국외로 이전될 수 있습니다. 위탁 사실과 "
    "이전 국가·항목·기간을 개인정보 처리방침에 공개해야 합니다.\n"
    "Outsourcing and cross-border transfer notice: turning this channel on sends customers' names, contact "
    "identifiers and message text to the messenger or SMS provider (the processor), whose servers may be outside "
    "Korea. The outsourcing and the transfer (country, items, period) must be disclosed in the privacy policy."
)


def is_outside_processor(kind: str) -> bool:
    return kind in ProcessorKind.values


def notice_for(kind: str) -> str:
    return f"[{kind}] {NOTICE}"


def notice_hash(kind: str) -> str:
    return hashlib.sha256(notice_for(kind).encode()).hexdigest()


def is_accepted(kind: str) -> bool:
    """True for our own channels (e-mail, web, chat, phone), and for an outside one once its notice is accepted.
    ``SORIDAM_PROCESSOR_ACCEPTANCE_REQUIRED`` is not read from the environment: only tests turn it off."""
    if not is_outside_processor(kind) or not settings.SORIDAM_PROCESSOR_ACCEPTANCE_REQUIRED:
        return True
    return ProcessorAcceptance.objects.filter(kind=kind, notice_hash=notice_hash(kind)).exists()


def accept(kind: str, user: User) -> ProcessorAcceptance:
    """Record ``user``'s acceptance of the notice for ``kind``. Admins only."""
    if not user.is_admin_role:
        raise PermissionDenied
    if not is_outside_processor(kind):
        raise ValueError(f"not an outside processor: {kind}")
    return ProcessorAcceptance.objects.create(kind=kind, accepted_by=user, notice_hash=notice_hash(kind))
