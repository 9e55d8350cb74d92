"""Tampering with the audit log directly in SQL, as someone with write access to the database would
(issue 19 §4): each kind is detected, and ``verify_audit`` names the first broken entry."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from soridam.audit.checkpoints import CHECKPOINTS, Problem, take_checkpoint
from soridam.audit.models import AuditEntry, AuditStreamHead
from soridam.audit.tests.conftest import tamper
from soridam.audit.verify import verify_all

pytestmark = pytest.mark.django_db
Maker = Callable[..., tuple[str, list[AuditEntry]]]


def test_an_untouched_log_verifies_before_and_after_a_checkpoint(stream_of_three: Maker) -> None:
    stream_of_three("Returns")
    assert verify_all() == []
    take_checkpoint()
    stream_of_three("Refunds")  # written after the checkpoint: chain and MAC only
    assert verify_all() == []
    call_command("verify_audit")


def test_an_edited_row_is_named(stream_of_three: Maker) -> None:
    stream, (_first, second, _third) = stream_of_three()
    tamper("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["team.deleted", second.pk])
    assert verify_all() == [Problem(stream, 2, second.pk, "its content does not match its hash: the row was edited")]
    with pytest.raises(CommandError, match=rf"stream {stream}, seq 2, entry {second.pk}: its content"):
        call_command("verify_audit")


def test_a_deleted_middle_row_names_the_entry_after_the_gap(stream_of_three: Maker) -> None:
    stream, (_first, second, third) = stream_of_three()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [second.pk])
    what = "seq 3 follows seq 1: the entries in between were deleted"
    assert verify_all() == [Problem(stream, 3, third.pk, what)]


def test_a_deleted_last_row_is_found_against_the_checkpoint(stream_of_three: Maker) -> None:
    stream, (_first, _second, third) = stream_of_three()
    take_checkpoint()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [third.pk])
    assert verify_all() == [Problem(stream, 3, None, "truncated after seq 2: checkpoint #1 holds 3")]
    with pytest.raises(CommandError, match=rf"stream {stream}, seq 3, no entry: truncated"):
        call_command("verify_audit")


def test_a_deleted_whole_stream_is_found_against_the_checkpoint(stream_of_three: Maker) -> None:
    stream_of_three("Refunds")
    stream, _entries = stream_of_three("Returns")
    take_checkpoint()
    tamper("DELETE FROM audit_auditentry WHERE stream = %s", [stream])
    what = "the whole stream was deleted: checkpoint #1 holds 3 entries"
    assert verify_all() == [Problem(stream, 1, None, what)]
    with pytest.raises(CommandError, match=rf"stream {stream}, seq 1, no entry: the whole stream was deleted"):
        call_command("verify_audit")


def test_an_edited_row_with_its_chain_recomputed_without_the_key_is_named(stream_of_three: Maker) -> None:
    """The hash algorithm is public: an attacker edits a row and recomputes every later hash and link.
    Only the MAC, under a key that is not in the database, tells."""
    stream, (_first, second, third) = stream_of_three()
    forged = AuditEntry.objects.get(pk=second.pk)
    forged.action = "team.deleted"
    forged.entry_hash = forged.compute_hash()
    after = AuditEntry.objects.get(pk=third.pk)
    after.prev_hash = forged.entry_hash
    after.entry_hash = after.compute_hash()
    for row in (forged, after):
        sql = "UPDATE audit_auditentry SET action = %s, prev_hash = %s, entry_hash = %s WHERE id = %s"
        tamper(sql, [row.action, row.prev_hash, row.entry_hash, row.pk])
    what = "its MAC does not verify: the row and its hashes were rewritten without the audit key"
    assert verify_all() == [Problem(stream, 2, second.pk, what)]
    with pytest.raises(CommandError, match=rf"stream {stream}, seq 2, entry {second.pk}: its MAC does not verify"):
        call_command("verify_audit")


def test_a_truncation_hidden_by_editing_the_heads_breaks_the_signed_digest(stream_of_three: Maker) -> None:
    stream, (_first, _second, third) = stream_of_three()
    take_checkpoint()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [third.pk])
    AuditStreamHead.objects.filter(stream=stream).update(count=2, head=third.prev_hash)
    what = "the stream heads differ from what checkpoint #1 signed"
    assert [problem.what for problem in verify_all()] == [what]
    assert verify_all()[0].stream == CHECKPOINTS


def test_a_checkpoint_does_not_seal_a_stream_rewritten_since_the_last_one(stream_of_three: Maker) -> None:
    stream, (_first, _second, third) = stream_of_three()
    take_checkpoint()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [third.pk])
    _checkpoint, problems = take_checkpoint()
    assert problems == [Problem(stream, 3, None, "truncated: the checkpoint holds 3 entries")]
    assert AuditStreamHead.objects.get(stream=stream).count == 3  # the head is kept: verify still reports it
    assert verify_all() == [Problem(stream, 3, None, "truncated after seq 2: checkpoint #2 holds 3")]


def test_a_deleted_checkpoint_breaks_the_checkpoint_chain(stream_of_three: Maker) -> None:
    stream_of_three()
    first, _ = take_checkpoint()
    take_checkpoint()
    take_checkpoint()
    tamper("DELETE FROM audit_auditcheckpoint WHERE number = %s", [2])
    problems = verify_all()
    what = "checkpoint #3 follows #1: checkpoints were deleted"
    assert problems[0] == Problem(CHECKPOINTS, 3, problems[0].entry_id, what)
    assert first.pk != problems[0].entry_id
