"""Every library the application imports is installed by requirements.txt, not only by the test tools.

``make run`` installs requirements.txt alone; ``make test`` adds requirements-dev.txt, whose tools pull
in more. A module that happens to come with a test tool passes every test and breaks the demo.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement

ROOT = Path(settings.BASE_DIR)


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "soridam").rglob("*.py"):
        if "tests" in path.parts or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "soridam"}


def _runtime_distributions() -> set[str]:
    """requirements.txt and everything those packages require, as installed here."""
    wanted: list[Requirement] = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            wanted.append(Requirement(line))
    found: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = _normal(requirement.name)
        if name in found:
            continue
        found.add(name)
        for text in metadata.requires(requirement.name) or []:
            dependency = Requirement(text)
            extras = requirement.extras or {""}
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": e}) for e in extras):
                wanted.append(dependency)
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_library_comes_with_the_runtime_requirements() -> None:
    providers = metadata.packages_distributions()
    runtime = _runtime_distributions()
    missing = {
        module: providers.get(module, ["?"])
        for module in _imported_top_level_modules()
        if not any(_normal(dist) in runtime for dist in providers.get(module, []))
    }
    assert missing == {}, f"imported by soridam but not installed by requirements.txt: {missing}"
