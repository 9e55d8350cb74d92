"""The one masking presenter (R-SEC-4). Every surface that shows customer text to a person calls ``shown``:
the inbox, the case page, search results, the API schemas, the original-message view and the admin.

Text is masked for everyone by default. It is shown as written only with ``reveal``: the access-log entry
written when this user gave a reason, and only if the user may reveal personal data at all.
"""

from __future__ import annotations

import re
from typing import Any

from soridam.cases.models import Message
from soridam.customers.phones import e164
from soridam.privacy import pii, sealing
from soridam.privacy.access import may_reveal_pii
from soridam.privacy.models import AccessLog


def is_revealed(user: Any, reveal: AccessLog | None) -> bool:
    """``user`` is a User, an AnonymousUser or None (an API call without a person behind it)."""
    if reveal is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return reveal.user_id == user.pk and may_reveal_pii(user)


def shown(user: Any, text: str, *, reveal: AccessLog | None = None) -> str:
    """``text`` as this user may see it now."""
    return text if is_revealed(user, reveal) else pii.mask(text)


# What sealing leaves in a stored body (900101-1******, ****-****-****-1234): there is something to reveal.
_SEALED_MASK = re.compile(r"[\d-]\*{2,}|\*{2,}[\d-]")


def shown_body(user: Any, body: str) -> tuple[str, bool]:
    """A stored message body as shown, and whether it holds personal data a reveal would show (masked here,
    or sealed at intake and so already masked)."""
    text = shown(user, body)
    return text, text != body or _SEALED_MASK.search(body) is not None


def shown_message(user: Any, message: Message, *, reveal: AccessLog | None = None) -> str:
    """A message body as this user may see it now: after a reveal, with its sealed identifiers, card and
    account numbers decrypted back into it (``privacy.sealing``)."""
    if is_revealed(user, reveal):
        return sealing.original_body(message)
    return pii.mask(message.body)


def shown_email(user: Any, address: str, *, reveal: AccessLog | None = None) -> str:
    """A customer's own e-mail field: masked even where free-text detection would miss it."""
    if not address or is_revealed(user, reveal):
        return address
    return pii.mask_as("email", address)


def shown_phone(user: Any, number: str, *, reveal: AccessLog | None = None) -> str:
    """A customer's own phone number, in E.164 (``+821012345678``) whatever form it was typed or stored in
    (R-CRM-1); masked ``+8210****5678``."""
    number = e164(number) if number else number
    if not number or is_revealed(user, reveal):
        return number
    return pii.mask_as("phone", number)
