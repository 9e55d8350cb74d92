"""The one composer (reply, internal note, files, send and set status) and the properties panel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from soridam.accounts.models import Team, User
from soridam.audit.models import AuditEntry
from soridam.cases.models import Attachment, Case
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def english_alice(alice: User) -> Client:
    alice.language = "en"
    alice.save()
    client = Client()
    client.force_login(alice)
    return client


def _audit_actions(case: Case) -> list[str]:
    entries = AuditEntry.objects.filter(stream=f"cases.case:{case.pk}").order_by("seq")
    return list(entries.values_list("action", flat=True))


def _changes(case: Case) -> list[tuple[str, str, str]]:
    return list(case.events.exclude(kind="created").values_list("kind", "from_value", "to_value").order_by("id"))


def test_send_and_solve_stores_the_reply_then_solves_in_one_post(
    english_alice: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    response = english_alice.post(
        f"/workspace/cases/{case.pk}/reply/",
        {"body": "A new one is on its way.", "then": "solved", "cause": "logistics"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Reply sent." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "solved"
    assert case.solved_at is not None
    assert case.messages.get(kind="reply").body == "A new one is on its way."
    assert _changes(case) == [("reply", "", ""), ("cause_set", "", "logistics"), ("status_changed", "open", "solved")]
    assert _audit_actions(case)[-3:] == ["case.reply", "case.cause", "case.status"]


def test_internal_note_and_waiting_on_customer_in_one_post(
    english_alice: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    data = {"body": "Asked the courier", "internal": "on", "then": "waiting"}
    response = english_alice.post(f"/workspace/cases/{case.pk}/reply/", data, **HTMX)
    assert response.status_code == 200
    assert "Internal note added." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "waiting"
    assert case.messages.get(kind="note").body == "Asked the courier"
    assert not case.messages.filter(kind="reply").exists()
    assert _changes(case) == [("note", "", ""), ("status_changed", "open", "waiting")]


def test_reply_carries_the_attached_files(english_alice: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    photo = SimpleUploadedFile("label.png", PNG, content_type="image/png")
    response = english_alice.post(
        f"/workspace/cases/{case.pk}/reply/", {"body": "Here is the label.", "attachments": [photo]}, **HTMX
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get(message__case=case, message__kind="reply")
    assert (attachment.filename, attachment.content_type, attachment.size) == ("label.png", "image/png", len(PNG))
    assert attachment.file.read() == PNG


@pytest.mark.parametrize(
    ("name", "content", "internal", "error"),
    [
        ("run.bat", b"echo hi", "", "can run programs"),
        ("label.png", PNG, "on", "internal notes cannot carry them"),
    ],
)
def test_refused_files_store_nothing_and_keep_the_status(
    english_alice: Client, make_case: Callable[..., Case], name: str, content: bytes, internal: str, error: str
) -> None:
    case = make_case()
    upload = SimpleUploadedFile(name, content)
    data = {"body": "See attached", "internal": internal, "then": "solved", "attachments": [upload]}
    response = english_alice.post(f"/workspace/cases/{case.pk}/reply/", data, **HTMX)
    assert response.status_code == 400
    assert error in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"
    assert case.messages.count() == 1
    assert _changes(case) == []


def test_a_status_the_composer_does_not_offer_is_refused_before_anything_is_sent(
    english_alice: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    data = {"body": "Merging", "then": "merged"}
    assert english_alice.post(f"/workspace/cases/{case.pk}/reply/", data, **HTMX).status_code == 400
    assert case.messages.count() == 1
    case.refresh_from_db()
    assert case.status == "open"


def test_without_javascript_send_and_wait_redirects_back_to_the_case(
    english_alice: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    response = english_alice.post(f"/workspace/cases/{case.pk}/reply/", {"body": "Plain form", "then": "waiting"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "waiting"


def test_properties_save_on_change_and_keep_a_button_for_browsers_without_javascript(
    english_alice: Client, make_case: Callable[..., Case]
) -> None:
    html = english_alice.get(f"/workspace/cases/{make_case().pk}/").content.decode()
    for key in ("stage", "status", "priority", "category", "team", "assign"):
        assert f'<noscript><button type="submit" id="{key}-send">' in html
    assert html.count('hx-trigger="change delay:400ms, submit" class="case-action"') == 6


def test_team_is_changed_in_place_and_recorded(
    lena: User, make_case: Callable[..., Case], teams: dict[str, Team]
) -> None:
    from soridam.accounts.models import Membership

    Membership.objects.create(user=lena, team=teams["payments"])
    client = Client()
    client.force_login(lena)
    case = make_case()
    response = client.post(f"/workspace/cases/{case.pk}/team/", {"team": teams["payments"].pk}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.team == teams["payments"]
    assert _changes(case) == [("team_changed", "delivery", "payments")]
    assert _audit_actions(case)[-1] == "case.team"


def test_a_team_the_agent_is_not_in_is_refused_and_nothing_changes(
    english_alice: Client, make_case: Callable[..., Case], teams: dict[str, Team]
) -> None:
    case = make_case()
    response = english_alice.post(f"/workspace/cases/{case.pk}/team/", {"team": teams["payments"].pk}, **HTMX)
    assert response.status_code == 400
    assert 'id="team-to" aria-invalid="true"' in response.content.decode()
    case.refresh_from_db()
    assert case.team == teams["delivery"]
    assert _changes(case) == []


def test_typing_a_reason_without_choosing_a_stage_changes_nothing(
    english_alice: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    response = english_alice.post(f"/workspace/cases/{case.pk}/stage/", {"to": "intake", "reason": "x"}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.stage == "intake"
    assert _changes(case) == []
