"""How the customer's tracking page and the agent's case page show a case's place among the six stages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from soridam.cases.stages import STAGE_KOREAN, STAGE_ORDER, index_of

if TYPE_CHECKING:
    from soridam.cases.models import Case


@dataclass(frozen=True)
class StageStep:
    value: str
    label: str
    korean: str
    state: str  # "done", "current" or "todo"; also the CSS class
    entered_at: datetime | None  # when the case reached this stage; None before, or without a case

    @property
    def shows_korean(self) -> bool:
        """Whether the Korean name adds anything beside the label (not in the Korean UI)."""
        return self.label != self.korean


def stage_steps(case: Case | None = None) -> list[StageStep]:
    """The six stages in order; for a case, each marked done, current or still to come (without one, all to come)."""
    current = index_of(case.stage) if case is not None else -1
    return [
        StageStep(
            value=str(stage),
            label=str(stage.label),
            korean=STAGE_KOREAN[stage],
            state=_state(index, current),
            entered_at=getattr(case, f"{stage}_at") if case is not None else None,
        )
        for index, stage in enumerate(STAGE_ORDER)
    ]


def _state(index: int, current: int) -> str:
    if current < 0 or index > current:
        return "todo"
    return "current" if index == current else "done"
