"""Under-14 customers (R-SEC-12): nothing beyond what a reply needs until a guardian's consent is recorded.

The flag and the consent live on the customer's ``PrivacyProfile``; ``models_dsr.processing_limited`` is what
the notification policy and the surveys ask before they send anything optional.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from soridam.audit import audit
from soridam.audit.actors import Actor
from soridam.customers.models import Customer
from soridam.privacy.models_dsr import PrivacyProfile


def profile_of(customer: Customer) -> PrivacyProfile | None:
    return PrivacyProfile.objects.filter(customer=customer).first()


@transaction.atomic
def mark_under_14(customer: Customer, *, actor: Actor) -> PrivacyProfile:
    profile, _created = PrivacyProfile.objects.select_for_update().get_or_create(customer=customer)
    if not profile.under_14:
        profile.under_14 = True
        profile.save(update_fields=["under_14"])
        audit.record(actor, "privacy.under_14_marked", target=customer)
    return profile


@transaction.atomic
def record_consent(customer: Customer, *, actor: Actor, how: str) -> PrivacyProfile:
    """The guardian consented: who recorded it, when, and how (a signed form, a call)."""
    profile, _created = PrivacyProfile.objects.select_for_update().get_or_create(customer=customer)
    profile.guardian_consent_at = timezone.now()
    profile.guardian_consent_by = actor.user
    profile.guardian_consent_how = how.strip()[:200]
    profile.save(update_fields=["guardian_consent_at", "guardian_consent_by", "guardian_consent_how"])
    audit.record(actor, "privacy.guardian_consent", target=customer, data={"how": profile.guardian_consent_how})
    return profile
