"""The secret key: never the one published in the source; the demo creates its own once and reuses it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.env import PUBLISHED_SECRET_KEYS
from soridam.followup.models import Survey
from soridam.followup.surveys import survey_token

ROOT = Path(__file__).resolve().parents[1]


def _settings_key(var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Start the settings in a fresh process, as every `make run` process does, and print the key it uses."""
    return _in_fresh_process(var_dir, "from django.conf import settings; print(settings.SECRET_KEY)", **env)


def _in_fresh_process(var_dir: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "SECRET_KEY_FILE", "SORIDAM_DEMO", "SORIDAM_FIELD_KEY", "SORIDAM_DATA_KEYS"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"SORIDAM_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "soridam.settings", **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed program
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def test_fresh_setup_writes_a_private_random_key_and_reuses_it_on_the_next_start(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    first = _settings_key(var_dir)
    assert first.returncode == 0, first.stderr
    key_file = var_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key not in PUBLISHED_SECRET_KEYS
    assert key_file.read_text().strip() == key
    second = _settings_key(var_dir)
    assert second.stdout.strip() == key
    other_clone = _settings_key(tmp_path / "other")
    assert other_clone.stdout.strip() != key


def test_channel_secret_encrypted_before_a_restart_is_readable_after_it(tmp_path: Path) -> None:
    setup = "import django; django.setup(); from soridam.privacy import crypto; "
    context = "soridam_channels_channelaccount.secret"
    stored = _in_fresh_process(tmp_path, setup + f"print(crypto.encrypt('imap-password', {context!r}))")
    assert stored.returncode == 0, stored.stderr
    ciphertext = stored.stdout.strip()
    assert ciphertext.startswith("v1:dev:")
    read = _in_fresh_process(tmp_path, setup + f"print(crypto.decrypt({ciphertext!r}, {context!r}))")
    assert read.stdout.strip() == "imap-password"


@pytest.mark.parametrize("published", sorted(PUBLISHED_SECRET_KEYS))
def test_startup_refuses_the_published_key_and_says_what_to_do(tmp_path: Path, published: str) -> None:
    started = _settings_key(tmp_path, SECRET_KEY=published)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "published" in started.stderr
    assert "var/secret_key" in started.stderr


def test_production_without_a_key_still_refuses_to_start(tmp_path: Path) -> None:
    started = _settings_key(tmp_path, SORIDAM_DEMO="false")
    assert started.returncode != 0
    assert "SECRET_KEY must be set" in started.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_survey_link_signed_with_the_published_key_is_refused(
    client: Client, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    assert settings.SECRET_KEY not in PUBLISHED_SECRET_KEYS
    (published,) = PUBLISHED_SECRET_KEYS
    forged = signing.dumps(case.pk, key=published, salt="soridam.followup.survey", compress=True)
    response = client.post(f"/survey/{forged}/", {"rating": "1", "comment": "forged"})
    assert response.status_code == 404
    assert Survey.objects.get(case=case).rating is None
    assert client.get(f"/survey/{survey_token(case)}/").status_code == 200
