"""Who may see personal data unmasked: admins, leads, and users granted ``privacy.reveal_pii``.

May is not does: even they see masked text until they reveal it with a reason (``presenter.shown``).
"""

from __future__ import annotations

from soridam.accounts.models import Role, User


def may_reveal_pii(user: User) -> bool:
    if not user.is_authenticated or not user.is_support_staff:
        return False
    return user.effective_role in (Role.ADMIN, Role.LEAD) or user.has_perm("privacy.reveal_pii")


def reviews_access_log(user: User) -> bool:
    """Leads and admins answer for how their teams handle personal data, so the case page lists its reveals
    to them. Asked on every case page, so it reads the role only: a permission lookup would cost queries."""
    return user.is_authenticated and user.is_support_staff and user.effective_role in (Role.ADMIN, Role.LEAD)


def reviews_access_report(user: User) -> bool:
    """The privacy officer's monthly report: admins, and whoever is granted ``privacy.review_access_log``."""
    if not user.is_authenticated or not user.is_support_staff:
        return False
    return user.effective_role == Role.ADMIN or user.has_perm("privacy.review_access_log")
