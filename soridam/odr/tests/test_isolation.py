"""Caucus isolation (R-ODR-7) and non-leakage (§3.5): what each party can reach, walked page by page.

Every page, case file, e-mail and notice a party can reach is fetched. Caucus and neutral-only content,
seeded with distinctive markers, must never reach the other side; and two different secret bids with the
same public outcome must give each party byte-identical answers (CSRF tokens normalised, nothing else).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from soridam.accounts.models import Role as StaffRole
from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions as case_actions
from soridam.cases.models import Case
from soridam.customers.actions import Contact
from soridam.odr import actions
from soridam.odr.algorithms.commit import commitment
from soridam.odr.models import Dispute, Notice, Role, Visibility

CAUCUS_C, CAUCUS_R, NEUTRAL = "CAUCUS-C-MARKER-7f3a", "CAUCUS-R-MARKER-91bd", "NEUTRAL-ONLY-MARKER-55e1"
REPLY_TO_C, REPLY_TO_R = "CAUCUS-C-REPLY-2c4e", "CAUCUS-R-REPLY-e0d9"
FORBIDDEN = {Role.CLAIMANT: (CAUCUS_R, REPLY_TO_R, NEUTRAL), Role.RESPONDENT: (CAUCUS_C, REPLY_TO_C, NEUTRAL)}
OWN = {Role.CLAIMANT: (CAUCUS_C, REPLY_TO_C), Role.RESPONDENT: (CAUCUS_R, REPLY_TO_R)}
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _reachable(dispute: Dispute, role: str, client: Client) -> dict[str, str]:
    """Every page, file, e-mail and notice of the dispute that one party can reach."""
    if role == Role.CLAIMANT:
        token = dispute.case.tracking_token
        urls = [
            reverse("odr:customer_dispute", args=[token, dispute.pk]),
            reverse("odr:customer_export", args=[token, dispute.pk, "json"]),
            reverse("odr:customer_export", args=[token, dispute.pk, "html"]),
            reverse("odr:customer_file", args=[token]),
            reverse("web:track", args=[token]),
        ]
        address = dispute.claimant.email
    else:
        urls = [
            reverse("odr:party_dispute", args=[dispute.pk]),
            reverse("odr:party_export", args=[dispute.pk, "json"]),
            reverse("odr:party_export", args=[dispute.pk, "html"]),
            reverse("odr:workspace_list"),
        ]
        address = "ria@shop.test"
    urls.append(reverse("odr:rules"))
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = CSRF.sub(r"\1-", response.content.decode())
    for number, sent in enumerate(m for m in mail.outbox if address in m.to):
        found[f"mail {number}"] = f"{sent.subject}\n{sent.body}"
    for notice in Notice.objects.filter(dispute=dispute, role=role).order_by("id"):
        found[f"notice {notice.pk}"] = f"{notice.recipient}\n{notice.subject}\n{notice.body}\n{notice.state}"
    return found


def _open(now: datetime) -> tuple[Dispute, User, User]:
    ria = User.objects.create_user(username="ria", password="pw", role=StaffRole.AGENT, email="ria@shop.test")
    ria.user_permissions.add(Permission.objects.get(codename="respond_dispute"))
    nora = User.objects.create_user(username="nora", password="pw", role=StaffRole.AGENT, email="nora@odr.test")
    new = case_actions.NewCase(
        subject="부서진 의자", body="다리가 부러져 왔어요", contact=Contact(name="김민지", email="kim@example.kr")
    )
    case = case_actions.open_case(new)
    Case.objects.filter(pk=case.pk).update(reference="C-FIXED-1", tracking_token="t" * 43)  # inputs, not outputs
    case.refresh_from_db()
    mail.outbox.clear()  # the case's acknowledgement (with the random token) is not the dispute's
    filing = actions.Filing(
        order_number="ORD-9", issues=["broken leg"], desired_outcome="refund", desired_amount=90_000
    )
    dispute = actions.file_dispute(case, filing, actor=Actor(customer=case.customer), now=now)
    return dispute, User.objects.get(pk=ria.pk), nora


def _clients(ria: User) -> dict[str, Client]:
    respondent = Client()
    respondent.force_login(ria)
    return {Role.CLAIMANT: Client(), Role.RESPONDENT: respondent}


def _command(dispute: Dispute, role: str, name: str) -> str:
    if role == Role.CLAIMANT:
        return reverse("odr:customer_command", args=[dispute.case.tracking_token, dispute.pk, name])
    return reverse("odr:party_command", args=[dispute.pk, name])


@pytest.mark.django_db(transaction=True)
def test_caucus_content_never_reaches_the_other_side() -> None:
    with time_machine.travel(datetime.fromisoformat("2026-10-05T10:00:00+09:00"), tick=False) as clock:
        dispute, ria, nora = _open(datetime.fromisoformat("2026-10-05T10:00:00+09:00"))
        clients = _clients(ria)
        clients[Role.RESPONDENT].post(
            _command(dispute, Role.RESPONDENT, "answer"), {"body": "answer", "visibility": "public"}
        )
        for role in (Role.CLAIMANT, Role.RESPONDENT):
            clients[role].post(_command(dispute, role, "ask_mediation"))
        clients[Role.CLAIMANT].post(_command(dispute, Role.CLAIMANT, "start_mediation"))
        actions.assign_neutral(Dispute.objects.get(pk=dispute.pk), nora, actor=Actor(system="draw"))
        post = lambda role, body, visibility: clients[role].post(  # noqa: E731
            _command(dispute, role, "post"), {"body": body, "visibility": visibility}
        )
        post(Role.CLAIMANT, CAUCUS_C, Visibility.CAUCUS_CLAIMANT)
        post(Role.RESPONDENT, CAUCUS_R, Visibility.CAUCUS_RESPONDENT)
        post(
            Role.RESPONDENT,
            CAUCUS_C + " (a respondent cannot write in the claimant's caucus)",
            Visibility.CAUCUS_CLAIMANT,
        )
        neutral = Client()
        neutral.force_login(nora)
        for body, visibility in (
            (REPLY_TO_C, Visibility.CAUCUS_CLAIMANT),
            (REPLY_TO_R, Visibility.CAUCUS_RESPONDENT),
            (NEUTRAL, Visibility.NEUTRAL_ONLY),
        ):
            neutral.post(
                reverse("odr:party_command", args=[dispute.pk, "post"]), {"body": body, "visibility": visibility}
            )
        clock.shift(60)
        assert dispute.items.filter(visibility=Visibility.NEUTRAL_ONLY).count() == 1
        assert dispute.items.filter(body__startswith=CAUCUS_C).count() == 1  # the respondent's try was refused
        neutral_page = neutral.get(reverse("odr:party_dispute", args=[dispute.pk])).content.decode()
        assert all(marker in neutral_page for marker in (CAUCUS_C, CAUCUS_R, NEUTRAL, REPLY_TO_C, REPLY_TO_R))
        for role, client in clients.items():
            reached = _reachable(dispute, role, client)
            assert len(reached) > 5
            for where, content in reached.items():
                for marker in FORBIDDEN[role]:
                    assert marker not in content, f"{marker} reached the {role} through {where}"
            own_page = next(iter(reached.values()))
            assert all(marker in own_page for marker in OWN[role])  # the walk sees what the side may see


def _bidding_run(rounds: list[tuple[int, int]], nonces: tuple[str, str]) -> dict[str, dict[str, str]]:
    """Open a dispute and bid ``rounds`` of (offer, demand) through the pages, sealed in the 'browser'
    (commitments computed here, as commit.js does); return what each party can reach afterwards."""
    start = datetime.fromisoformat("2026-10-05T10:00:00+09:00")
    with time_machine.travel(start, tick=False):
        dispute, ria, _nora = _open(start)
        clients = _clients(ria)
        clients[Role.RESPONDENT].post(
            _command(dispute, Role.RESPONDENT, "answer"), {"body": "answer", "visibility": "public"}
        )
        for offer, demand in rounds:
            clients[Role.CLAIMANT].post(_command(dispute, Role.CLAIMANT, "open_round"))
            number = dispute.rounds.order_by("-number").values_list("number", flat=True).first()
            bids = {Role.CLAIMANT: (demand, nonces[0]), Role.RESPONDENT: (offer, nonces[1])}
            for role in bids:
                clients[role].post(_command(dispute, role, "accept_rule"))
            for role, (amount, nonce) in bids.items():
                digest = commitment(dispute.pk, number, role, amount, nonce)
                clients[role].post(_command(dispute, role, "commit"), {"commitment": digest})
            for role, (amount, nonce) in bids.items():
                clients[role].post(_command(dispute, role, "reveal"), {"amount": str(amount), "nonce": nonce})
        return {role: _reachable(dispute, role, client) for role, client in clients.items()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([(40_000, 100_000), (50_000, 80_000)], [(10_000, 150_000), (60_000, 99_000)]),  # both fail twice
        ([(40_000, 100_000), (52_000, 70_000)], [(1_000, 200_000), (51_000, 71_000)]),  # both settle at 61,000
    ],
)
def test_different_secret_bids_with_the_same_outcome_give_identical_answers(
    first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> None:
    call_command("flush", interactive=False, verbosity=0)  # ids from 1, as for the second run
    one = _bidding_run(first, ("1" * 64, "2" * 64))
    mail.outbox.clear()
    call_command("flush", interactive=False, verbosity=0)  # the same ids again: only the bids differ
    two = _bidding_run(second, ("3" * 64, "4" * 64))
    assert one.keys() == two.keys()
    for role in one:
        assert one[role].keys() == two[role].keys()
        for where in one[role]:
            assert one[role][where] == two[role][where], f"{role} can tell the bids apart through {where}"
    page = one[Role.CLAIMANT][next(iter(one[Role.CLAIMANT]))]
    assert page.count('class="round-state"') == 2 or "61000 KRW" in page  # both rounds failed, or it settled
