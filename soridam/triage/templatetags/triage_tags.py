"""Message bodies on staff pages: PII masked unless revealed, one audited reveal at a time."""

from __future__ import annotations

from typing import Any

from django import template

from soridam.triage import pii
from soridam.triage.access import may_reveal_pii

register = template.Library()


@register.simple_tag(takes_context=True)
def masked_body(context: Any, body: str) -> dict[str, Any]:
    """The body as shown by default, whether it holds PII, and whether this user may reveal it."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    masked = pii.mask(body)
    has_pii = masked != body
    # Permission lookups cost queries: ask only when there is something to reveal.
    return {"text": masked, "has_pii": has_pii, "may_reveal": has_pii and user is not None and may_reveal_pii(user)}
