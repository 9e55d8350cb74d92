"""End to end against real servers started here: IMAP in (tests/imapserver.py), SMTP out (aiosmtpd)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, MessageKind
from soridam.channels.email.imap import fetch_all
from soridam.channels.email.tests.imapserver import ImapServer, MailStore
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import ChannelAccount, Security

if TYPE_CHECKING:
    from conftest import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]


def test_mail_in_agent_reply_out_threaded_and_the_answer_lands_on_the_same_case(
    smtp_server: Mailbox, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    store = MailStore()
    store.folders["INBOX"].add(
        mail(subject="택배가 안 와요", message_id="<CAF-first@mail.gmail.com>", to="help@shop.test")
    )
    with ImapServer(store) as imap:
        ChannelAccount.objects.create(
            name="help",
            address="help@shop.test",
            host="127.0.0.1",
            port=imap.port,
            security=Security.PLAIN_LOCALHOST,
            username=store.user,
            secret=store.password,
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert fetch_all() == 1
        case = Case.objects.get()
        assert case.subject == "택배가 안 와요"
        assert case.customer.email == "minji@example.kr"
        assert store.seen() == 1

        with django_capture_on_commit_callbacks(execute=True):
            actions.reply(case, "내일 도착합니다.", actor=Actor(user=alice))
        envelope, reply = smtp_server.messages[-1]
        assert envelope.rcpt_tos == ["minji@example.kr"]
        assert reply["In-Reply-To"] == "<CAF-first@mail.gmail.com>"
        assert "<CAF-first@mail.gmail.com>" in str(reply["References"])
        case.refresh_from_db()
        # Answers route back to the team's mailbox, or to the mailbox the case came in on.
        expected = case.team.email_address if case.team else "help@shop.test"
        assert str(reply["Reply-To"]) == expected
        assert envelope.mail_from == (expected if case.team else envelope.mail_from)
        assert reply["Message-ID"]
        assert case.reference in str(reply["Subject"])
        assert "Auto-Submitted" not in reply

        store.folders["INBOX"].add(
            mail(
                subject=f"Re: {reply['Subject']}",
                body="감사합니다!\n\nOn Mon, Nov 23, 2026 at 9:00 AM <help@shop.test> wrote:\n> 내일 도착합니다.",
                message_id="<CAF-second@mail.gmail.com>",
                to="help@shop.test",
                in_reply_to=str(reply["Message-ID"]),
                references=f"<CAF-first@mail.gmail.com> {reply['Message-ID']}",
            )
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert fetch_all() == 1
    assert Case.objects.count() == 1
    answer = case.messages.filter(kind=MessageKind.CUSTOMER).order_by("-id").first()
    assert answer is not None
    assert answer.body == "감사합니다!"
