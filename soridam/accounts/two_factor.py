"""The second factor (R-SEC-2): a TOTP app, and ten recovery codes each good for one sign-in.

The cryptography is django-otp's (TOTP per RFC 6238, replay refused through the device's ``last_t``); this
module only says who needs a second factor and wraps enrolment and verification. The lockout that limits
guessing is ours (``lockout``), counted per account for passwords and codes alike, so the library's own
per-device throttle is off (settings ``OTP_*_THROTTLE_FACTOR``).
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from soridam.accounts.models import TWO_FACTOR_ROLES, Membership, User

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def needs_second_factor(user: User) -> bool:
    """Admins (superusers included), leads (by role or as a team's lead), mediators and auditors."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.effective_role in TWO_FACTOR_ROLES:
        return True
    return Membership.objects.filter(user=user, is_lead=True).exists()


def is_required(user: User) -> bool:
    return bool(settings.SORIDAM_REQUIRE_2FA) and needs_second_factor(user)


def is_enrolled(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: the same key on every reload until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (segno: no image library needed)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#111", light="#fff"))


@transaction.atomic
def confirm_enrolment(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with one of its codes and mark this session verified; the new recovery
    codes, or None if the code is wrong. Earlier devices of the user go: one authenticator, one set of codes."""
    device = pending_device(user)
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
    otp_login(request, device)
    return codes


def verify(request: HttpRequest, user: User, code: str) -> bool:
    """Check a TOTP or recovery code (a recovery code is deleted when used) and mark this session verified."""
    device = match_token(user, code.strip().replace(" ", "").lower())
    if device is None:
        return False
    otp_login(request, device)
    return True
