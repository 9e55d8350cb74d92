"""One canonical form for phone numbers, so a number typed any way finds the same customer.

Korean numbers are kept in their national form (``01012345678``): that is how agents and customers
write them, and ``+82 10-…``, ``0082 10…`` and ``82 10…`` all name the same line. A number from
another country keeps its country code after a ``+``. This module imports nothing of ours: the
models, the actions and search all use it.
"""

from __future__ import annotations

import re

KOREA = "82"
# Fewer digits than this is not a phone number (a case number or an order number is more likely).
MIN_DIGITS = 8
PHONE_SHAPE = re.compile(r"^\+?[\d\s().\-]{8,24}$")


def canonical_phone(text: str) -> str:
    """``+82 10-1234-5678``, ``+821012345678``, ``010-1234-5678`` and ``01012345678`` all give ``01012345678``."""
    stripped = text.strip()
    digits = "".join(ch for ch in stripped if ch.isdigit())
    international = stripped.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith(KOREA) and (international or not digits.startswith("0")):
        # A trunk 0 after the country code ("+82 010-…") is a common slip; national numbers always have one.
        return "0" + digits[len(KOREA) :].lstrip("0")
    if international and digits:
        return "+" + digits
    return digits


def e164(text: str) -> str:
    """The number as people and API clients read it (ITU-T E.164): ``010-1234-5678`` gives ``+821012345678``.

    Stored numbers stay national (``canonical_phone``: intake, search and the find box look them up that way);
    this is the form every surface shows. A number with no trunk ``0`` and no country code (``1588-1234``, a
    service number only dialled inside Korea) has no international form and is returned as canonical digits.
    """
    canonical = canonical_phone(text)
    if canonical.startswith("0") and len(canonical) > 1:
        return "+" + KOREA + canonical[1:]
    return canonical


def looks_like_phone(text: str) -> bool:
    """Digits with the usual separators, long enough to be a phone number."""
    if not PHONE_SHAPE.match(text.strip()):
        return False
    return len([ch for ch in text if ch.isdigit()]) >= MIN_DIGITS
