"""``pipeline.receive_many``: a batch's raw payloads are committed together, then each is processed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from soridam.cases.models import Case, Message
from soridam.channels import pipeline
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import ChannelMessage, PayloadState, RawPayload

pytestmark = pytest.mark.django_db


def _payload_inserts(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "soridam_channels_rawpayload"'))


def test_a_batch_is_stored_in_one_insert_and_threaded_in_order(teams: object) -> None:
    first = mail(sender="a@example.kr", subject="환불 문의", message_id="<a1@example.kr>")
    reply = mail(
        sender="a@example.kr", subject="Re: 환불 문의", message_id="<a2@example.kr>", in_reply_to="<a1@example.kr>"
    )
    other = mail(sender="b@example.kr", subject="배송 문의", message_id="<b1@example.kr>")
    with CaptureQueriesContext(connection) as ctx:
        results = pipeline.receive_many("email", [(first, "t:1"), (reply, "t:2"), (other, "t:3")], process_now=True)
    assert _payload_inserts(ctx) == 1
    assert [(p.state, new) for p, new in results] == [(PayloadState.PROCESSED, True)] * 3
    assert [p.source for p, _new in results] == ["t:1", "t:2", "t:3"]
    assert results[0][0].case_id == results[1][0].case_id != results[2][0].case_id  # the reply joined its case
    assert Case.objects.count() == 2
    assert Message.objects.filter(case_id=results[0][0].case_id, kind="customer").count() == 2


def test_redeliveries_in_and_across_batches_are_stored_once(teams: object) -> None:
    known = mail(sender="a@example.kr", message_id="<k1@example.kr>")
    pipeline.receive("email", known, process_now=True)
    fresh = mail(sender="b@example.kr", message_id="<f1@example.kr>")
    results = pipeline.receive_many("email", [(known, "again"), (fresh, "t"), (fresh, "t")], process_now=True)
    assert [new for _p, new in results] == [False, True, False]
    assert results[1][0].pk == results[2][0].pk
    assert RawPayload.objects.count() == 2
    assert ChannelMessage.objects.count() == 2


def test_a_broken_message_in_a_batch_is_quarantined_and_the_rest_go_on(teams: object) -> None:
    too_big = mail(message_id="<big@example.kr>", body="가" * 200)
    good = mail(sender="c@example.kr", message_id="<c1@example.kr>")
    with override_settings(SORIDAM_EMAIL_MAX_BYTES=len(good) + 50):
        results = pipeline.receive_many("email", [(too_big, "t"), (good, "t")], process_now=True)
    assert [p.state for p, _new in results] == [PayloadState.QUARANTINED, PayloadState.PROCESSED]
    assert bytes(RawPayload.objects.get(external_id="big@example.kr").raw) == too_big


def test_without_process_now_the_batch_waits_for_the_worker(teams: object) -> None:
    results = pipeline.receive_many("email", [(mail(message_id="<w1@example.kr>"), "t")])
    payload = RawPayload.objects.get(pk=results[0][0].pk)
    assert payload.state in (PayloadState.PENDING, PayloadState.PROCESSED)  # tests run tasks at commit
    assert pipeline.process(payload.pk).state == PayloadState.PROCESSED
    assert ChannelMessage.objects.count() == 1


def _statements(ctx: CaptureQueriesContext, prefix: str) -> int:
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith(prefix))


def test_a_batch_is_processed_in_one_transaction(teams: object) -> None:
    batch = [(mail(sender=f"n{i}@example.kr", message_id=f"<n{i}@example.kr>"), "t") for i in range(4)]
    with CaptureQueriesContext(connection) as ctx:
        results = pipeline.receive_many("email", batch, process_now=True)
    assert [p.state for p, _new in results] == [PayloadState.PROCESSED] * 4
    assert _statements(ctx, 'UPDATE "soridam_channels_rawpayload"') == 1  # all four outcomes at once
    assert RawPayload.objects.filter(state=PayloadState.PROCESSED, message__isnull=False).count() == 4


def test_a_message_refused_mid_batch_rolls_the_batch_back_and_each_is_stored_once(teams: object) -> None:
    first = mail(sender="a@example.kr", subject="환불 문의", message_id="<r1@example.kr>")
    forged = mail(sender="delivery@shop.test", message_id="<r2@example.kr>")  # our own address: refused
    reply = mail(sender="a@example.kr", message_id="<r3@example.kr>", in_reply_to="<r1@example.kr>")
    results = pipeline.receive_many("email", [(first, "t"), (forged, "t"), (reply, "t")], process_now=True)
    assert [p.state for p, _new in results] == [
        PayloadState.PROCESSED,
        PayloadState.QUARANTINED,
        PayloadState.PROCESSED,
    ]
    assert "own address" in results[1][0].reason
    assert Case.objects.count() == 1  # the reply still joined the first message's case
    assert Message.objects.count() == ChannelMessage.objects.count() == 2
