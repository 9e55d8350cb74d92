"""The one JSON Lines reader of the evaluation and training commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from soridam.lib.jsonl import read_jsonl


def test_each_line_is_one_object_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"subject": "배송 문의", "n": 1}\n\n  \n{"subject": "환불", "n": 2}\n', encoding="utf-8")
    assert read_jsonl(path) == [{"subject": "배송 문의", "n": 1}, {"subject": "환불", "n": 2}]


def test_a_broken_line_is_named_by_file_and_number(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"ok": true}\n\n{"subject": \n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels\.jsonl:3: not JSON"):
        read_jsonl(path)
