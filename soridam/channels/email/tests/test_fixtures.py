"""Every shared fixture goes through the real inbound pipeline: nothing escapes, nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from soridam.channels import pipeline
from soridam.channels.models import ChannelMessage, PayloadState, RawPayload

pytestmark = pytest.mark.django_db

KOREAN_SUBJECTS = {
    "php-imap/ks_c_5601-1987_headers.eml": "RE: 회원님께 Ersi님이 메시지를 보냈습니다.",
    "imap_tools/plain_emails/raw_email.eml": "NOTE: 한국말로 하는 것",
    "imap_tools/plain_emails/raw_email_double_at_in_header.eml": "NOTE: 한국말로 하는 것",
    "imap_tools/plain_emails/raw_email_string_in_date_field.eml": "NOTE: 한국말로 하는 것",
    "imap_tools/plain_emails/raw_email_with_partially_quoted_subject.eml": 'Re: Test: "漢字" mid "漢字" tail',
}


def test_every_fixture_is_stored_as_a_message_or_kept_with_its_raw_bytes(fixtures_dir: Path) -> None:
    files = sorted(p for p in fixtures_dir.rglob("*") if p.is_file() and p.name != "README.md")
    assert len(files) > 300
    for path in files:
        raw = path.read_bytes()
        payload, _new = pipeline.receive("email", raw, source=str(path), process_now=True)
        assert bytes(payload.refresh_from_db() or payload.raw) == raw, path
        assert payload.state != PayloadState.PENDING, path
        if payload.state == PayloadState.PROCESSED:
            assert payload.message is not None
        else:
            assert payload.reason, path
    stored = RawPayload.objects.count()
    assert stored >= len({p.read_bytes() for p in files})
    processed = RawPayload.objects.filter(state=PayloadState.PROCESSED).count()
    assert processed == ChannelMessage.objects.count() > 150
    # Unparseable input is quarantined with its bytes, never dropped.
    quarantined = RawPayload.objects.filter(state=PayloadState.QUARANTINED)
    assert quarantined.exists()
    assert all(len(bytes(row.raw)) == row.size for row in quarantined)


@pytest.mark.parametrize(("name", "subject"), sorted(KOREAN_SUBJECTS.items()))
def test_korean_fixture_subjects_decode_exactly(fixtures_dir: Path, name: str, subject: str) -> None:
    payload, _new = pipeline.receive("email", (fixtures_dir / name).read_bytes(), process_now=True)
    meta = ChannelMessage.objects.get(payload=payload)
    assert meta.subject == subject
    assert "\ufffd" not in meta.subject + meta.full_text
    assert meta.message.case.subject == subject.removeprefix("RE: ").removeprefix("Re: ")


def test_korean_bodies_in_ks_c_5601_and_euc_kr_decode_to_hangul(fixtures_dir: Path) -> None:
    ks_c, _new = pipeline.receive(
        "email", (fixtures_dir / "imap_tools/multi_charset/ks_c_5601-1987.eml").read_bytes(), process_now=True
    )
    euc_kr, _new = pipeline.receive(
        "email", (fixtures_dir / "imap_tools/plain_emails/raw_email.eml").read_bytes(), process_now=True
    )
    assert ChannelMessage.objects.get(payload=ks_c).full_text.strip() == "스티해"
    text = ChannelMessage.objects.get(payload=euc_kr).full_text
    assert text.startswith("대부분의 마찬가지로, 우리는 하나님을 믿습니다.")
    assert "제 이름은 Jamis입니다." in text
    assert "\ufffd" not in text
