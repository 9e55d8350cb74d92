"""One Kiwi for the stack: the analyser process answers what a Kiwi of one's own would (issue 13, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from soridam.lib import kiwi
from soridam.lib.analyser import AnalyserUnavailable, RemoteKiwi, new_kiwi

ROOT = Path(__file__).resolve().parents[3]
TEXTS = ["배송지를 변경하고 싶어요", "환불해 주세요. 주문번호 A12345678", "교환 신청은?", "refund please", ""]


def _start(path: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "soridam.lib.analyser", path], cwd=ROOT)  # noqa: S603
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        assert process.poll() is None, "the analyser exited"
        assert time.monotonic() < deadline, "the analyser did not listen within 60 s"
        time.sleep(0.1)
    return process


@pytest.fixture(scope="module")
def socket_path() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="soridam-test-") as directory:  # short: a socket path has 108 bytes
        path = os.path.join(directory, "analyser.sock")
        process = _start(path)
        yield path
        process.terminate()
        assert process.wait(10) == 0
        assert not os.path.exists(path)  # it removes its socket when it stops


def test_the_analyser_answers_what_a_kiwi_of_ones_own_would(socket_path: str) -> None:
    local = new_kiwi(multi_word_dict=False)
    remote = RemoteKiwi(socket_path)
    for text in TEXTS:
        expected = [(token.form, token.tag, token.start) for token in local.tokenize(text)]
        assert [(token.form, token.tag, token.start) for token in remote.tokenize(text)] == expected
    assert [len(tokens) for tokens in remote.tokenize(iter(TEXTS))] == [len(local.tokenize(text)) for text in TEXTS]


def test_morphemes_through_the_analyser_when_the_setting_names_it(
    socket_path: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [kiwi.morphemes.__wrapped__(text) for text in TEXTS]
    settings.SORIDAM_ANALYSER_SOCKET = socket_path
    monkeypatch.setattr(kiwi, "_kiwi", None)
    assert isinstance(kiwi.get_kiwi(), RemoteKiwi)
    assert [kiwi.morphemes.__wrapped__(text) for text in TEXTS] == expected


def test_threads_of_one_client_each_get_their_own_answers(socket_path: str) -> None:
    remote = RemoteKiwi(socket_path)
    expected = {text: remote.tokenize(text) for text in TEXTS}
    wrong: list[str] = []

    def ask() -> None:
        for _round in range(30):
            for text in TEXTS:
                if remote.tokenize(text) != expected[text]:
                    wrong.append(text)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_a_client_reconnects_after_the_analyser_restarts_and_fails_clearly_without_one(tmp_path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="soridam-test-") as directory:
        path = os.path.join(directory, "analyser.sock")
        remote = RemoteKiwi(path, connect_seconds=0.5)
        with pytest.raises(AnalyserUnavailable, match="no Korean analyser"):
            remote.tokenize("환불")
        first = _start(path)
        before = remote.tokenize("환불")
        first.terminate()
        first.wait(10)
        second = _start(path)
        try:
            assert remote.tokenize("환불") == before
        finally:
            second.terminate()
            second.wait(10)
