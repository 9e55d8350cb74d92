"""Korean holidays are read from a per-version file, so a process with a warm file never imports ``holidays``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import pytest
from django.conf import settings

from soridam.sla import holiday_dates


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_the_cached_dates_are_the_packages(var_dir: Path) -> None:
    expected = frozenset(holidays.country_holidays("KR", years=2027, categories=("public",)).keys())

    assert holiday_dates.public_holidays(2027) == expected  # computed, then written
    assert json.loads(holiday_dates.cache_path().read_text())["2027"][0] == "2027-01-01"
    assert holiday_dates.public_holidays(2027) == expected  # read back
    assert date(2027, 2, 9) in holiday_dates.public_holidays(2027)  # 설날 on a Sunday → substitute 02-09


def test_an_unreadable_file_costs_only_the_computation(var_dir: Path) -> None:
    path = holiday_dates.cache_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")

    assert date(2026, 9, 25) in holiday_dates.public_holidays(2026)  # 추석
    assert "2026" in json.loads(path.read_text())


def test_the_file_of_another_package_version_is_not_read(var_dir: Path) -> None:
    stale = holiday_dates.cache_path().with_name("holidays-KR-0.0.json")
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"2026": ["2026-07-01"]}))

    assert date(2026, 7, 1) not in holiday_dates.public_holidays(2026)


@pytest.mark.slow
def test_a_process_with_a_warm_file_never_imports_holidays(var_dir: Path) -> None:
    holiday_dates.public_holidays(2026)
    code = (
        "import django, sys; django.setup()\n"
        "from datetime import date\n"
        "from soridam.sla.business_time import korean_holidays\n"
        "assert date(2026, 9, 25) in korean_holidays(2026)\n"
        "print('holidays' in sys.modules)\n"
    )
    env = {**os.environ, "SORIDAM_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "soridam.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
