"""Every UI string has a Korean translation (R-OPS-7): a new string without one fails here.

English is the source language of the strings, so the English locale is complete by construction.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SOURCE = Path(__file__).resolve().parents[2]
COMMITTED = SOURCE / "locale" / "ko" / "LC_MESSAGES" / "django.po"
IGNORED = ["tests", "*/tests/*", "migrations", "locale", "__pycache__"]


@pytest.fixture(autouse=True)
def _gettext_tools() -> None:
    if shutil.which("msgcmp") is None or shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext is missing: `make test` installs Debian's gettext package")


@pytest.fixture
def extracted_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Extract the strings the code uses now, from a copy of the tree, without touching the committed files."""
    copy = tmp_path / "soridam"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "tests"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
    call_command("makemessages", locale=["ko"], ignore_patterns=IGNORED, verbosity=0)
    return copy / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_every_string_in_the_code_has_a_korean_translation(extracted_catalog: Path) -> None:
    result = subprocess.run(
        ["msgcmp", str(COMMITTED), str(extracted_catalog)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    assert result.returncode == 0, "Missing Korean translations:\n" + result.stderr[-4000:]


def test_korean_catalog_is_valid_complete_and_not_fuzzy() -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(COMMITTED)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr
    assert "untranslated" not in result.stderr
