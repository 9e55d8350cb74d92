"""Signed links for the follow-up messages: the check-in's answers, the NPS question and the advertising
opt-out. Signed, not stored (nothing to guess); each names one row and expires with it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

_CHECK_IN_SALT = "soridam.followup.check_in"
_NPS_SALT = "soridam.followup.nps"
_OPT_OUT_SALT = "soridam.followup.opt_out"
# The opt-out must keep working as long as anyone may hold an advertisement (kept 6 months, SPEC §5.4).
OPT_OUT_VALID = timedelta(days=366)


def check_in_token(check_in_id: int) -> str:
    return signing.dumps(check_in_id, salt=_CHECK_IN_SALT)


def check_in_url(check_in_id: int, answer: str) -> str:
    return settings.SITE_URL + reverse("web:check_in", args=[check_in_token(check_in_id), answer])


def check_in_id_of(token: str) -> int | None:
    # The customer may answer until the case is closed by silence; the row says when that is.
    return _loads(token, _CHECK_IN_SALT, timedelta(days=90))


def nps_token(nps_id: int) -> str:
    return signing.dumps(nps_id, salt=_NPS_SALT)


def nps_url(nps_id: int) -> str:
    return settings.SITE_URL + reverse("web:nps", args=[nps_token(nps_id)])


def nps_id_of(token: str) -> int | None:
    return _loads(token, _NPS_SALT, timedelta(days=settings.SORIDAM_SURVEY_VALID_DAYS))


def opt_out_token(customer_id: int) -> str:
    return signing.dumps(customer_id, salt=_OPT_OUT_SALT)


def opt_out_url(customer_id: int) -> str:
    return settings.SITE_URL + reverse("web:ad_opt_out", args=[opt_out_token(customer_id)])


def customer_id_of_opt_out(token: str) -> int | None:
    return _loads(token, _OPT_OUT_SALT, OPT_OUT_VALID)


def _loads(token: str, salt: str, max_age: timedelta) -> int | None:
    """The id a token names; None for a forged, altered or expired one (the pages answer it kindly)."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
