"""The presenter masks for everyone until a permitted person reveals with a reason; the action logs it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import privacy_actions
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case
from soridam.privacy.models import AccessAction, AccessLog
from soridam.privacy.presenter import shown, shown_email, shown_phone
from soridam.privacy.tests.data import BODY, EMAIL, MASKED, PHONE, assert_nothing_in_full


def _reveal(case: Case, user: User, reason: str = "고객 본인 확인 요청") -> AccessLog:
    return privacy_actions.reveal_pii(
        case, actor=Actor(user=user), reason=reason, message=case.messages.get(), ip="10.0.0.7"
    )


def test_without_a_reveal_everyone_sees_the_r_sec_4_masks(alice: User, lena: User, root: User) -> None:
    for user in (alice, lena, root, AnonymousUser(), None):
        text = shown(user, BODY)
        assert_nothing_in_full(text)
        assert all(masked in text for masked in MASKED)
    assert shown_email(alice, EMAIL) == "g***@example.com"
    assert shown_phone(alice, PHONE.replace("-", "")) == "+8210****5678"  # E.164 (R-CRM-1), masked


def test_a_lead_who_revealed_sees_the_text_as_written(lena: User, pii_case: Case) -> None:
    entry = _reveal(pii_case, lena)
    assert shown(lena, BODY, reveal=entry) == BODY
    assert shown_email(lena, EMAIL, reveal=entry) == EMAIL


def test_someone_elses_reveal_shows_nothing(alice: User, lena: User, pii_case: Case) -> None:
    entry = _reveal(pii_case, lena)
    assert_nothing_in_full(shown(alice, BODY, reveal=entry))


def test_an_agent_may_reveal_only_with_the_privacy_permission(alice: User, pii_case: Case) -> None:
    with pytest.raises(InvalidChange):
        _reveal(pii_case, alice)
    alice.user_permissions.add(Permission.objects.get(codename="reveal_pii", content_type__app_label="privacy"))
    alice = User.objects.get(pk=alice.pk)  # permissions are cached per instance
    entry = _reveal(pii_case, alice)
    assert shown(alice, BODY, reveal=entry) == BODY


def test_a_permission_taken_away_hides_the_text_again(alice: User, pii_case: Case) -> None:
    permission = Permission.objects.get(codename="reveal_pii", content_type__app_label="privacy")
    alice.user_permissions.add(permission)
    entry = _reveal(pii_case, User.objects.get(pk=alice.pk))
    alice.user_permissions.remove(permission)
    assert_nothing_in_full(shown(User.objects.get(pk=alice.pk), BODY, reveal=entry))


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reveal_without_a_reason_is_refused_and_leaves_no_trace(lena: User, pii_case: Case, reason: str) -> None:
    with pytest.raises(InvalidChange):
        _reveal(pii_case, lena, reason)
    assert not AccessLog.objects.exists()
    assert not AuditEntry.objects.filter(action="case.pii_revealed").exists()


def test_a_reveal_writes_the_access_log_and_the_case_audit(lena: User, pii_case: Case) -> None:
    entry = _reveal(pii_case, lena, "  고객이 카드번호   확인 요청 ")
    stored = AccessLog.objects.get()
    assert (stored.user, stored.case, stored.message, stored.ip) == (
        lena,
        pii_case,
        pii_case.messages.get(),
        "10.0.0.7",
    )
    assert (stored.action, stored.reason) == (AccessAction.REVEAL, "고객이 카드번호 확인 요청")
    audit = AuditEntry.objects.get(action="case.pii_revealed")
    assert audit.actor == f"user:{lena.pk}"
    assert audit.data["access_log"] == entry.pk
    assert audit.data["types"] == ["phone", "email", "rrn", "card"]
