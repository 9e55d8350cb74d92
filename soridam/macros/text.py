"""Filling a macro's variables. A plain substitution of a fixed list of names: the text is never run as a
Django template (an agent's text must not reach template tags, filters or object attributes)."""

from __future__ import annotations

import re
from collections.abc import Callable

from soridam.accounts.models import User
from soridam.cases.models import Case

_VARIABLE = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")

_VALUES: dict[str, Callable[[Case, User | None], str]] = {
    "customer.name": lambda case, agent: case.customer.name,
    "case.reference": lambda case, agent: case.reference,
    "case.subject": lambda case, agent: case.subject,
    "case.order_number": lambda case, agent: case.order_number,
    "agent.name": lambda case, agent: agent.label() if agent is not None else "",
}
VARIABLES = tuple(_VALUES)


def fill_variables(text: str, case: Case, agent: User | None) -> str:
    """``text`` with each known ``{{name}}`` replaced; an unknown one stays as written, so the agent sees it."""

    def value(match: re.Match[str]) -> str:
        found = _VALUES.get(match.group(1))
        return found(case, agent) if found is not None else match.group(0)

    return _VARIABLE.sub(value, text)
