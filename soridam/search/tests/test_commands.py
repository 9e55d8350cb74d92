"""eval_search (its exact interface) and reindex (progress on stderr)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from soridam.cases.models import Case
from soridam.search.engine import suggest
from soridam.search.models import SearchDocument


@pytest.fixture(autouse=True)
def _lexical_only(settings: Any) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_eval_search_prints_metrics_per_kind_and_leaves_no_index_behind(tmp_path: Path) -> None:
    kb = write_jsonl(
        tmp_path / "kb.jsonl",
        [
            {"id": "a", "title": "배송지 변경", "body": "발송 전에는 주소를 바꿀 수 있습니다.", "tags": []},
            {"id": "b", "title": "환불 기간", "body": "카드 환불은 3~7영업일이 걸립니다.", "tags": []},
        ],
    )
    queries = write_jsonl(
        tmp_path / "queries.jsonl",
        [
            {"query": "배송지 벼", "kind": "prefix", "relevant": ["a"]},
            {"query": "ㅎㅂ ㄱㄱ", "kind": "chosung", "relevant": ["b"]},
            {"query": "환불은 언제 되나요?", "kind": "full", "relevant": ["b"]},
        ],
    )
    out = io.StringIO()
    call_command("eval_search", "--kb", str(kb), "--queries", str(queries), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"by_kind", "overall", "p99_ms"}
    assert result["by_kind"]["prefix"] == {"n": 1, "top1": 1.0, "top3": 1.0, "mrr": 1.0}
    assert result["overall"]["n"] == 3
    assert result["overall"]["top3"] == 1.0
    assert result["p99_ms"] > 0
    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_eval_search_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a file"):
        call_command("eval_search", "--kb", str(tmp_path / "no.jsonl"), "--queries", str(tmp_path / "no.jsonl"))


@pytest.mark.django_db
def test_eval_search_names_the_broken_line_of_a_labelled_set(tmp_path: Path) -> None:
    kb = write_jsonl(tmp_path / "kb.jsonl", [{"id": "a", "title": "배송지 변경", "body": "주소를 바꿀 수 있습니다."}])
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"query": "배송", "kind": "full", "relevant": ["a"]}\n{"query": \n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"queries\.jsonl:2: not JSON"):
        call_command("eval_search", "--kb", str(kb), "--queries", str(queries))


def test_reindex_rebuilds_cases_with_a_progress_bar(make_case: Callable[..., Case]) -> None:
    case = make_case("냉장고 설치 문의", "설치 기사님 방문 일정")
    SearchDocument.objects.all().delete()
    err = io.StringIO()
    call_command("reindex", "--kind", "case", stderr=err)
    assert "1/1" in err.getvalue()
    document = SearchDocument.objects.get(kind="case")
    assert (document.key, document.team_key) == (case.pk, case.team_id)  # the team scope survives a rebuild
    assert suggest("냉장고", kind="case", public_only=False)[0].key == case.pk
