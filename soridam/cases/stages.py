"""The six stages of a complaint and the moves allowed between them (R-CASE-2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    CLASSIFICATION = "classification", _("Classification")
    INVESTIGATION = "investigation", _("Investigation")
    RESOLUTION = "resolution", _("Resolution")
    NOTIFICATION = "notification", _("Notification")
    FOLLOW_UP = "follow_up", _("Follow-up")


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)

# Korean names as the seed article writes them; shown beside the translated label.
STAGE_KOREAN = {
    Stage.INTAKE: "접수",
    Stage.CLASSIFICATION: "분류",
    Stage.INVESTIGATION: "조사·분석",
    Stage.RESOLUTION: "해결책 마련",
    Stage.NOTIFICATION: "고객 통보",
    Stage.FOLLOW_UP: "사후 관리",
}


def bilingual_label(stage: str) -> str:
    """The label in the current language with the Korean name beside it, unless the label already is it
    (in the Korean UI "접수 (접수)" says nothing twice)."""
    label, korean = str(Stage(stage).label), STAGE_KOREAN[Stage(stage)]
    return label if label == korean else f"{label} ({korean})"


def _table() -> dict[Stage, dict[Stage, bool]]:
    """For each stage, the stages it may move to, and whether that move needs a reason.

    Version 1: any forward move is allowed; any backward move is allowed with a reason.
    Per-stage exit conditions (R-CASE-2, P1) will narrow the forward moves here.
    """
    table: dict[Stage, dict[Stage, bool]] = {}
    for index, stage in enumerate(STAGE_ORDER):
        table[stage] = {
            target: target_index < index for target_index, target in enumerate(STAGE_ORDER) if target != stage
        }
    return table


TRANSITIONS = _table()


def allowed_targets(stage: str) -> list[str]:
    return [str(target) for target in TRANSITIONS[Stage(stage)]]


def needs_reason(stage: str, target: str) -> bool:
    return TRANSITIONS[Stage(stage)][Stage(target)]


def is_allowed(stage: str, target: str) -> bool:
    return target in Stage.values and Stage(target) in TRANSITIONS[Stage(stage)]


def index_of(stage: str) -> int:
    return STAGE_ORDER.index(Stage(stage))


def is_forward(stage: str, target: str) -> bool:
    return index_of(target) > index_of(stage)
