"""The seams between apps, checked on the source (README, "Layers").

- The import graph of ``soridam`` has no cycle, counting imports inside functions (only ``TYPE_CHECKING``
  blocks are left out: they never run). import-linter checks the direction of the layers; this test
  catches the cycles a function-level import hides from it at load time.
- Only ``cases.actions`` writes a case's history: its timeline entries and its audit entries.
- Every job named by its dotted path (``enqueue_job_on_commit``, the scheduler) is a task.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django_tasks.base import Task

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "soridam"
ACTIONS = "soridam.cases.actions"
# Actions beside it that change several fields at once, built from its helpers (its 600-line limit).
ACTION_MODULES = {
    ACTIONS,
    "soridam.cases.triage_actions",
    "soridam.cases.routing_actions",
    "soridam.cases.delivery_actions",
    "soridam.cases.phone_actions",
    "soridam.cases.customer_actions",
    "soridam.cases.order_actions",
    "soridam.cases.remedy_actions",
    "soridam.cases.rca_actions",
    "soridam.cases.followup_actions",
    "soridam.cases.privacy_actions",
}


@dataclass(frozen=True)
class Source:
    module: str
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def application_sources() -> Iterator[Source]:
    """Every module of the application; tests and migrations are not part of the running graph."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield Source(module, path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return skipped


def _absolute(source: Source, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.module.split(".")
    keep = len(base) - node.level + (1 if source.is_package else 0)
    return ".".join(base[:keep] + ([node.module] if node.module else []))


def imported_modules(source: Source, known: set[str]) -> set[str]:
    """The soridam modules ``source`` imports anywhere (module level or inside functions)."""
    skipped = _type_checking_nodes(source.tree)
    found: set[str] = set()
    for node in ast.walk(source.tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(source, node)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {module for module in found if module in known and module != source.module}


def import_graph() -> dict[str, set[str]]:
    sources = list(application_sources())
    known = {source.module for source in sources}
    return {source.module: imported_modules(source, known) for source in sources}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_soridam_import_graph_has_no_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_names_a_cycle_hidden_in_a_function() -> None:
    tree = ast.parse("def later():\n    from soridam.b import thing\n")
    source = Source("soridam.a", PACKAGE / "a.py", tree)
    graph = {"soridam.a": imported_modules(source, {"soridam.a", "soridam.b"}), "soridam.b": {"soridam.a"}}
    assert find_cycle(graph) == ["soridam.a", "soridam.b", "soridam.a"]


def test_imports_for_type_checking_only_are_not_edges() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from soridam.b import Thing\n")
    source = Source("soridam.a", PACKAGE / "a.py", tree)
    assert imported_modules(source, {"soridam.a", "soridam.b"}) == set()


# --- Only the actions write a case's history -------------------------------------------------------

HISTORY_MODELS = {"TimelineEvent", "AuditEntry"}
WRITING_METHODS = {"create", "bulk_create", "update", "get_or_create", "update_or_create", "delete", "save"}
# The modules that hold the writers themselves; cases.actions is the only caller of both. audit.purge is the
# legal purge, the one code that deletes audit rows (whole streams past retention).
WRITERS = {"soridam.cases.events", "soridam.audit.audit", "soridam.audit.purge"}


def history_writes(source: Source) -> list[str]:
    """What in ``source`` writes a case's timeline or audit entries, outside the actions layer."""
    found = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.ImportFrom) and _absolute(source, node) == "soridam.cases":
            found += [f"imports cases.{a.name}" for a in node.names if a.name == "events"]
        elif isinstance(node, ast.ImportFrom) and _absolute(source, node) == "soridam.cases.events":
            found.append("imports soridam.cases.events")
        elif isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name == "soridam.cases.events"]
        elif isinstance(node, ast.Call):
            found += _history_call(node)
    return [f"{source.path.relative_to(ROOT)}: {what}" for what in found]


def _history_call(call: ast.Call) -> list[str]:
    text = ast.unparse(call.func)
    name = text.rsplit(".", 1)[-1]
    if name in ("record_case", "record_case_many", "record_cases", "record_cases_many"):
        return [f"calls {text}"]
    if name in HISTORY_MODELS:
        return [f"builds {name}"]
    if name in WRITING_METHODS and any(
        f"{model}." in text or f".{rel}." in text for model in HISTORY_MODELS for rel in ("events", "audit_entries")
    ):
        return [f"calls {text}"]
    return []


def test_only_the_case_actions_write_a_case_timeline_or_audit_entry() -> None:
    writes = [
        write
        for source in application_sources()
        if source.module not in ACTION_MODULES and source.module not in WRITERS
        for write in history_writes(source)
    ]
    assert writes == []


@pytest.mark.parametrize(
    "code",
    [
        "from soridam.cases import events\n",
        "from soridam.audit import audit\naudit.record_case(actor, 'case.x', target=case)\n",
        "audit.record_case_many(actor, [('case.x', {})], target=case)\n",
        "audit.record_cases(actor, [(case, 'case.x', {})])\n",
        "audit.record_cases_many(actor, [(case, [('case.x', {})])])\n",
        "TimelineEvent.objects.create(case=case, kind='note')\n",
        "case.events.create(kind='note')\n",
        "AuditEntry(stream='cases.case:1')\n",
    ],
)
def test_the_history_check_catches_each_way_of_writing_history(code: str) -> None:
    source = Source("soridam.somewhere", PACKAGE / "somewhere.py", ast.parse(code))
    assert history_writes(source) != []


def test_the_generic_audit_writer_refuses_a_case(db: None) -> None:
    from soridam.audit import audit
    from soridam.audit.actors import SYSTEM
    from soridam.cases.models import Case

    with pytest.raises(ValueError, match="cases.actions"):
        audit.record(SYSTEM, "case.anything", target=Case(pk=1))


# --- Jobs named by path -----------------------------------------------------------------------------


def named_jobs() -> Iterator[tuple[str, str]]:
    """(module, dotted path) of every job a module names instead of importing."""
    for source in application_sources():
        for node in ast.walk(source.tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and node.value.startswith("soridam.") and ".tasks." in node.value:
                yield source.module, node.value


def test_every_job_named_by_its_path_is_a_task() -> None:
    from django.utils.module_loading import import_string

    named = list(named_jobs())
    assert len(named) >= 10  # the scheduler's jobs, triage, indexing, routing, payloads, lead mail
    not_tasks = [(module, path) for module, path in named if not isinstance(import_string(path), Task)]
    assert not_tasks == []


# --- STYLE.md's size limits -------------------------------------------------------------------------

MODULE_LINES, FUNCTION_LINES, VIEW_LINES = 600, 60, 30


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _is_view(source: Source, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    in_views = source.path.stem == "views" or source.path.parent.name == "views"
    first = function.args.posonlyargs + function.args.args
    return in_views and bool(first) and first[0].arg == "request"


def oversized(source: Source) -> list[str]:
    where = source.path.relative_to(ROOT)
    found = []
    if (lines := len(source.path.read_text(encoding="utf-8").splitlines())) >= MODULE_LINES:
        found.append(f"{where}: {lines} lines")
    for function in _functions(source.tree):
        length = (function.end_lineno or function.lineno) - function.lineno + 1
        limit = VIEW_LINES if _is_view(source, function) else FUNCTION_LINES
        if length > limit:
            found.append(f"{where}:{function.lineno} {function.name}: {length} lines (limit {limit})")
    return found


def test_modules_functions_and_views_stay_within_the_style_limits() -> None:
    assert [found for source in application_sources() for found in oversized(source)] == []
