"""Who may see personal data unmasked: admins, leads, and users granted ``triage.reveal_pii``."""

from __future__ import annotations

from soridam.accounts.models import Role, User


def may_reveal_pii(user: User) -> bool:
    if not user.is_authenticated or not user.is_support_staff:
        return False
    return user.effective_role in (Role.ADMIN, Role.LEAD) or user.has_perm("triage.reveal_pii")
