"""The shared data folder is found beside any checkout; a missing one skips, except under CI=true."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from soridam.lib import shared_data as shared_data_module
from soridam.lib.shared_data import REPOSITORY_ROOT, shared_data_dir

_GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
}


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout in another place: the repository at ``tmp/checkout``, the shared data at ``tmp/shared``."""
    monkeypatch.setattr(shared_data_module, "REPOSITORY_ROOT", tmp_path / "checkout")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SORIDAM_SHARED_DATA", raising=False)
    return tmp_path


def test_the_shared_data_folder_is_looked_for_beside_the_directory_holding_manage_py() -> None:
    assert (REPOSITORY_ROOT / "manage.py").is_file()
    assert Path(settings.BASE_DIR) == REPOSITORY_ROOT
    beside = Path(settings.BASE_DIR).parent / "shared" / "data"
    assert shared_data_dir() == beside or not beside.is_dir()


def test_a_clone_made_elsewhere_finds_the_folder_beside_its_origin(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = elsewhere / "work" / "main"
    origin.mkdir(parents=True)
    (elsewhere / "work" / "shared" / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    subprocess.run(["git", "-C", str(origin), "commit", "-q", "--allow-empty", "-m", "x"], check=True, env=_GIT_ENV)
    clone = elsewhere / "scratch" / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    monkeypatch.setattr(shared_data_module, "REPOSITORY_ROOT", clone)
    assert shared_data_dir() == (elsewhere / "work" / "shared" / "data").resolve()


def test_the_environment_can_name_the_folder(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    named = elsewhere / "datasets"
    named.mkdir()
    monkeypatch.setenv("SORIDAM_SHARED_DATA", str(named))
    assert shared_data_dir() == named


def test_a_present_folder_gives_its_path(elsewhere: Path, shared_data: Callable[..., Path]) -> None:
    corpus = elsewhere / "shared" / "data" / "email-fixtures"
    corpus.mkdir(parents=True)
    assert shared_data("email-fixtures") == corpus


def test_a_missing_folder_skips_the_test_outside_ci(elsewhere: Path, shared_data: Callable[..., Path]) -> None:
    with pytest.raises(pytest.skip.Exception, match="email-fixtures is missing"):
        shared_data("email-fixtures")


def test_a_missing_folder_fails_the_run_under_ci(
    elsewhere: Path, shared_data: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        shared_data("ko-cs-dev", "cases.jsonl")


def test_ci_false_still_skips(
    elsewhere: Path, shared_data: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        shared_data("ko-cs-dev")
