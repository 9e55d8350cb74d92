"""The dispute pages as each side reaches them: filing from the tracking page and the case page, a
marketplace merchant who sees only their shop's disputes, refused commands, the case file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from soridam.accounts.models import Role as StaffRole
from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.models import Case
from soridam.odr import actions
from soridam.odr.models import Dispute, DisputeState, Item, MerchantMember, Role, Visibility
from soridam.orders.models import Shop

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _customer_url(dispute: Dispute, name: str = "") -> str:
    token = dispute.case.tracking_token
    if name:
        return reverse("odr:customer_command", args=[token, dispute.pk, name])
    return reverse("odr:customer_dispute", args=[token, dispute.pk])


def test_the_customer_files_from_the_tracking_link_with_evidence_and_sees_the_routes(
    make_case: Callable[..., Case], ria: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(order_number="ORD-7")
    url = reverse("odr:customer_file", args=[case.tracking_token])
    form = Client().get(url)
    assert form.status_code == 200
    assert "1372" in form.content.decode()
    assert "ecmc.or.kr" in form.content.decode()  # both statutory routes at filing
    upload = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    data = {
        "order_number": "ORD-7",
        "issues": "broken on arrival\nlate",
        "desired_outcome": "refund",
        "desired_amount": "30000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(url, {**data, "evidence": upload})
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _customer_url(dispute)
    assert dispute.issues == ["broken on arrival", "late"]
    assert dispute.items.get().filename == "receipt.png"
    assert dispute.state == DisputeState.ANSWER
    page = Client().get(_customer_url(dispute))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin"
    assert "receipt.png" in page.content.decode()


def test_a_refused_filing_keeps_nothing(make_case: Callable[..., Case]) -> None:
    case = make_case()
    url = reverse("odr:customer_file", args=[case.tracking_token])
    response = Client().post(
        url, {"issues": "x", "desired_outcome": "refund", "evidence": _file("run.html", b"<html>")}
    )
    assert response.status_code == 400
    assert not Dispute.objects.exists()


def _file(name: str, content: bytes) -> Any:
    return SimpleUploadedFile(name, content)


def test_staff_with_the_permission_file_from_the_case_page(
    make_case: Callable[..., Case], alice: User, ria: User
) -> None:
    case = make_case()
    client = Client()
    client.force_login(alice)
    url = reverse("odr:staff_file", args=[case.pk])
    assert client.get(url).status_code == 403
    alice.user_permissions.add(Permission.objects.get(codename="open_dispute"))
    response = client.post(url, {"issues": "never arrived", "desired_outcome": "refund"})
    assert response.status_code == 302
    assert Dispute.objects.get().case == case


def test_a_merchant_sees_only_disputes_naming_their_shop(filed: Dispute, make_case: Callable[..., Case]) -> None:
    mine = Shop.objects.create(provider="cafe24", name="Mine", slug="mine", base_url="https://mine.test")
    other = Shop.objects.create(provider="cafe24", name="Other", slug="other", base_url="https://other.test")
    merchant = User.objects.create_user(username="mo", password="pw", role=StaffRole.CUSTOMER, email="mo@mine.test")
    MerchantMember.objects.create(user=merchant, shop=mine)
    actions.set_shop(filed, other.pk)
    client = Client()
    client.force_login(merchant)
    assert client.get(reverse("odr:party_dispute", args=[filed.pk])).status_code == 404
    actions.set_shop(filed, mine.pk)
    page = client.get(reverse("odr:party_dispute", args=[filed.pk]))
    assert page.status_code == 200
    assert "respondent" in page.content.decode()
    assert actions.recipients(filed, Role.RESPONDENT) == ["mo@mine.test"]


def test_staff_without_the_permission_do_not_see_disputes(filed: Dispute, alice: User) -> None:
    client = Client()
    client.force_login(alice)
    assert client.get(reverse("odr:party_dispute", args=[filed.pk])).status_code == 404
    listed = client.get(reverse("odr:workspace_list")).content.decode()
    assert reverse("odr:party_dispute", args=[filed.pk]) not in listed
    ria_client = Client()
    ria_client.force_login(User.objects.get(username="ria"))
    assert (
        reverse("odr:party_dispute", args=[filed.pk]) in ria_client.get(reverse("odr:workspace_list")).content.decode()
    )


def test_the_respondent_answers_and_a_refused_command_says_why(filed: Dispute, ria: User) -> None:
    client = Client()
    client.force_login(ria)
    response = client.post(reverse("odr:party_command", args=[filed.pk, "withdraw"]), follow=True)
    assert "이 작업은 하실 수 없습니다" in response.content.decode()  # the refusal, in the page's language
    client.post(
        reverse("odr:party_command", args=[filed.pk, "answer"]), {"body": "We will look", "visibility": "public"}
    )
    filed.refresh_from_db()
    assert filed.state == DisputeState.NEGOTIATION


def test_server_sealed_bidding_through_the_pages_and_the_case_file(filed: Dispute, ria: User) -> None:
    merchant = Client()
    merchant.force_login(ria)
    party = lambda name: reverse("odr:party_command", args=[filed.pk, name])  # noqa: E731
    merchant.post(party("answer"), {"body": "ok", "visibility": "public"})
    customer = Client()
    customer.post(_customer_url(filed, "open_round"))
    page = customer.get(_customer_url(filed)).content.decode()
    assert 'id="bidding-rule"' in page  # the rule is shown before any bid
    assert 'id="accept-rule"' in page
    assert 'id="seal-form"' not in page
    for client, url in ((customer, _customer_url(filed, "accept_rule")), (merchant, party("accept_rule"))):
        client.post(url)
    page = customer.get(_customer_url(filed)).content.decode()
    assert "서버 봉인" in page  # labelled as the weaker protection, in the customer's language
    assert 'id="seal-form"' in page
    customer.post(_customer_url(filed, "seal"), {"amount": "70000"})
    merchant.post(party("seal"), {"amount": "52000"})
    customer.post(_customer_url(filed, "reveal_sealed"))
    merchant.post(party("reveal_sealed"))
    filed.refresh_from_db()
    assert filed.state == DisputeState.COMPLIANCE
    exported = json.loads(
        customer.get(reverse("odr:customer_export", args=[filed.case.tracking_token, filed.pk, "json"])).content
    )
    assert exported["obligations"][0]["amount"] == 61_000
    assert [e["kind"] for e in exported["events"]][:2] == ["filed", "moved"]
    html = merchant.get(reverse("odr:party_export", args=[filed.pk, "html"])).content.decode()
    assert "round_settled" in html


def test_the_consumer_protective_rules_page_lists_every_tagged_rule() -> None:
    from soridam.odr.packs import CONSUMER_PROTECTIVE

    page = Client().get(reverse("odr:rules")).content.decode()
    for rule in CONSUMER_PROTECTIVE:
        assert f'data-rule="{rule.key}"' in page


def test_a_dead_end_shows_the_statutory_routes(filed: Dispute) -> None:
    import time_machine

    from soridam.odr.tasks import expire_odr_deadlines

    page = Client().get(_customer_url(filed)).content.decode()
    assert 'id="statutory-routes"' not in page  # not while the respondent may still answer
    assert filed.deadline_at is not None
    with time_machine.travel(filed.deadline_at):
        expire_odr_deadlines.call()
    filed.refresh_from_db()
    assert filed.state == DisputeState.ANSWER  # at the deadline itself, not yet
    with time_machine.travel(filed.deadline_at + timedelta(seconds=1)):
        expire_odr_deadlines.call()
    filed.refresh_from_db()
    assert filed.state == DisputeState.CLOSED
    page = Client().get(_customer_url(filed)).content.decode()
    assert 'id="statutory-routes"' in page
    assert "1372" in page


def _post_evidence(dispute: Dispute, name: str, content: bytes, visibility: str) -> Item:
    data = {"body": "", "visibility": visibility, "file": SimpleUploadedFile(name, content)}
    assert Client().post(_customer_url(dispute, "post"), data).status_code == 302
    return dispute.items.filter(kind=Item.EVIDENCE).latest("id")


def _to_mediation(dispute: Dispute, ria: User, nora: User, run: Callable[..., Any]) -> None:
    merchant = Actor(user=ria)
    run(actions.answer, dispute, "We shipped it.", actor=merchant)
    run(actions.ask_mediation, dispute, Role.CLAIMANT, actor=Actor(customer=dispute.claimant))
    run(actions.ask_mediation, dispute, Role.RESPONDENT, actor=merchant)
    run(actions.start_mediation, dispute, actor=merchant, role=Role.RESPONDENT)
    run(actions.assign_neutral, dispute, nora, actor=Actor(system="draw"))


def test_evidence_downloads_to_whoever_may_see_it_and_only_while_it_matches_its_hash(
    filed: Dispute, ria: User, nora: User, run: Callable[..., Any]
) -> None:
    _to_mediation(filed, ria, nora, run)
    public = _post_evidence(filed, "invoice.pdf", b"%PDF-1.4 the invoice", Visibility.PUBLIC)
    caucus = _post_evidence(filed, "note.txt", b"my lowest acceptable amount", Visibility.CAUCUS_CLAIMANT)
    customer_url = reverse("odr:customer_evidence", args=[filed.case.tracking_token, filed.pk, caucus.pk])
    assert customer_url in Client().get(_customer_url(filed)).content.decode()
    download = Client().get(customer_url)
    assert download.content == b"my lowest acceptable amount"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    merchant, neutral = Client(), Client()
    merchant.force_login(ria)
    neutral.force_login(nora)
    assert merchant.get(reverse("odr:party_evidence", args=[filed.pk, public.pk])).status_code == 200
    assert merchant.get(reverse("odr:party_evidence", args=[filed.pk, caucus.pk])).status_code == 404
    assert neutral.get(reverse("odr:party_evidence", args=[filed.pk, caucus.pk])).status_code == 200
    merchant_page = merchant.get(reverse("odr:party_dispute", args=[filed.pk])).content.decode()
    assert reverse("odr:party_evidence", args=[filed.pk, caucus.pk]) not in merchant_page

    with open(public.file.path, "wb") as changed:
        changed.write(b"%PDF-1.4 another invoice")
    assert merchant.get(reverse("odr:party_evidence", args=[filed.pk, public.pk])).status_code == 404
