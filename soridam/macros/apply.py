"""A macro's changes to the case, made through ``cases.actions`` when the composer sends its text."""

from __future__ import annotations

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.macros.models import Macro


def apply_macro(case: Case, macro: Macro, *, actor: Actor, set_status: bool = True) -> None:
    """Stage, priority, tag, then status (last: solving is the end of the work). A refused change raises
    its ``CaseError``; the caller holds the row lock and rolls the whole send back."""
    if macro.set_stage and macro.set_stage != case.stage:
        actions.change_stage(case, macro.set_stage, actor=actor)
    if macro.set_priority:
        actions.change_priority(case, macro.set_priority, actor=actor)
    if macro.add_tag:
        actions.add_tag(case, macro.add_tag, actor=actor)
    if macro.set_status and set_status:
        actions.change_status(case, macro.set_status, actor=actor)
