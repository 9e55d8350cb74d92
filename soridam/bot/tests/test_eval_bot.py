"""eval_bot: its exact interface, shares that add up, and no index left behind."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from soridam.search.models import SearchDocument

KB = [
    {
        "id": "a",
        "title": "택배비와 무료 배송 조건",
        "body": "택배비는 3,500원이고 50,000원 이상이면 무료입니다.",
        "tags": [],
    },
    {
        "id": "b",
        "title": "비밀번호 재설정",
        "body": "로그인 화면에서 비밀번호 찾기를 누르면 재설정 링크를 보내 드립니다.",
        "tags": [],
    },
    {"id": "c", "title": "포인트 적립", "body": "구매확정을 하면 결제 금액의 2%가 포인트로 쌓입니다.", "tags": []},
]
CASES = [
    {"id": "1", "subject": "", "body": "택배비 얼마예요? 무료 배송 조건이 뭐예요?", "expected_faq": "a"},
    {"id": "2", "subject": "비밀번호", "body": "비밀번호 재설정 링크는 어디서 받아요?", "expected_faq": "b"},
    {"id": "3", "subject": "", "body": "원피스 세탁 방법 알려 주세요", "expected_faq": "c"},
    {"id": "4", "subject": "", "body": "답이 없는 글", "expected_faq": None},
]
THREADS = [
    {"id": "t1", "turns": [{"role": "customer", "text": "상담원 연결해 주세요"}], "should_handover": True},
    {
        "id": "t2",
        "turns": [
            {"role": "customer", "text": "포인트는 어떻게 쌓여요?"},
            {"role": "agent", "text": "구매확정을 하면 포인트가 쌓입니다."},
            {"role": "customer", "text": "결제 금액의 몇 %가 포인트로 적립돼요?"},
        ],
        "should_handover": False,
        "expected_faq": "c",
    },
]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_eval_bot_prints_exactly_the_issue_fields(tmp_path: Path) -> None:
    files = [
        str(write_jsonl(tmp_path / f"{name}.jsonl", rows))
        for name, rows in (("kb", KB), ("cases", CASES), ("threads", THREADS))
    ]
    out = io.StringIO()
    call_command("eval_bot", "--kb", files[0], "--cases", files[1], "--threads", files[2], "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert list(result) == [
        "resolved",
        "wrong",
        "handed_over",
        "handover_accuracy",
        "handover_precision",
        "handover_recall",
        "thread_answer_accuracy",
        "p95_ms",
    ]
    assert result["resolved"] + result["wrong"] + result["handed_over"] == pytest.approx(1.0, abs=0.001)
    assert result["resolved"] == pytest.approx(2 / 3, abs=0.001)  # the washing question is not in the articles
    assert result["wrong"] == 0.0
    assert result["handover_recall"] == 1.0
    assert result["handover_accuracy"] == 1.0
    assert result["thread_answer_accuracy"] == 1.0
    assert result["p95_ms"] > 0
    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_eval_bot_rejects_a_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "no.jsonl")
    with pytest.raises(CommandError, match="not a file"):
        call_command("eval_bot", "--kb", missing, "--cases", missing, "--threads", missing)


@pytest.mark.django_db
def test_eval_bot_adds_the_cpu_time_per_reply_when_asked(tmp_path: Path) -> None:
    files = [
        str(write_jsonl(tmp_path / f"{name}.jsonl", rows))
        for name, rows in (("kb", KB), ("cases", CASES), ("threads", THREADS))
    ]
    out = io.StringIO()
    arguments = ["--kb", files[0], "--cases", files[1], "--threads", files[2], "--json", "--cpu"]
    call_command("eval_bot", *arguments, stdout=out)
    result = json.loads(out.getvalue())
    assert list(result)[-2:] == ["p95_ms", "cpu_p95_ms"]
    assert result["cpu_p95_ms"] > 0
