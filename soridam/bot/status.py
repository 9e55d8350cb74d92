"""Case status in the bot (R-BOT-3): an identified customer sees their open cases; an anonymous visitor names
a case by its reference and proves it with the e-mail address or the phone's last four digits.

A wrong e-mail or phone answers exactly like a reference that does not exist, so the bot never tells a
stranger that a case exists. Every look-up is rate limited (the tracking budget, per session).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from soridam.cases.identifiers import reference_candidates
from soridam.cases.models import ACTIVE_STATUSES, Case
from soridam.cases.stages import bilingual_label
from soridam.customers.phones import canonical_phone
from soridam.lib.ratelimit import RateLimited, check_rate

from .intents import CASE_REFERENCE

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
DIGITS = re.compile(r"\d[\d\s-]*\d")
SHOWN = 5
RATE_SCOPE = "tracking"


@dataclass(frozen=True)
class CaseLine:
    reference: str
    subject: str
    stage: str


@dataclass(frozen=True)
class Lookup:
    state: str  # "found" | "none" | "ask" | "limited"
    cases: tuple[CaseLine, ...] = ()


def _line(case: Case) -> CaseLine:
    return CaseLine(case.reference, case.subject, bilingual_label(case.stage))


def _rate_limited(session_key: str) -> bool:
    try:
        check_rate(RATE_SCOPE, f"bot:{session_key}")
    except RateLimited:
        return True
    return False


def look_up(text: str, customer_id: int | None, session_key: str) -> Lookup:
    if _rate_limited(session_key):
        return Lookup("limited")
    if customer_id is not None:
        cases = Case.objects.filter(customer_id=customer_id, status__in=ACTIVE_STATUSES).order_by("-created_at")
        lines = tuple(_line(case) for case in cases[:SHOWN])
        return Lookup("found" if lines else "none", lines)
    reference = CASE_REFERENCE.search(text)
    if reference is None:
        return Lookup("ask")
    rest = text.replace(reference.group(0), " ")
    email = EMAIL.search(rest)
    four = _last_four(EMAIL.sub(" ", rest))
    if email is None and not four:
        return Lookup("ask")
    candidates = reference_candidates(reference.group(0), timezone.now().year)
    case = Case.objects.select_related("customer").filter(reference__in=candidates).first()
    if case is None or not _proves(case, email.group(0) if email else "", four):
        return Lookup("none")
    return Lookup("found", (_line(case),))


def _last_four(text: str) -> str:
    """The last four digits of the last number given: "5678", "010-1234-5678" and "끝자리 5678" all give 5678."""
    groups = ["".join(ch for ch in found if ch.isdigit()) for found in DIGITS.findall(text)]
    groups = [group for group in groups if len(group) >= len("0000")]
    return groups[-1][-4:] if groups else ""


def _proves(case: Case, email: str, last_four: str) -> bool:
    if email and case.customer.email and email.lower() == case.customer.email.lower():
        return True
    phone = canonical_phone(case.customer.phone) if case.customer.phone else ""
    return bool(last_four and len(phone) >= len(last_four) and phone.endswith(last_four))
