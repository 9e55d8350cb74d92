"""``{% guardian_consent_panel customer %}``: the under-14 panel of the workspace's customer page."""

from __future__ import annotations

from typing import Any

from django import template

from soridam.privacy.dsr_forms import GuardianConsentForm
from soridam.privacy.guardian import profile_of

register = template.Library()


@register.inclusion_tag("privacy/_guardian_consent.html")
def guardian_consent_panel(customer: Any) -> dict[str, Any]:
    return {"customer": customer, "profile": profile_of(customer), "consent_form": GuardianConsentForm()}
