"""Structured JSON logs with the request id (R-OPS-6).

Log records carry ids (request, case, message), never message bodies, addresses or secrets. Personal
data that slips into a line anyway is masked by the ``mask`` processor that settings pass in (the privacy
app's; lib imports no domain app).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import structlog

from soridam.lib.secret_paths import mask_secret_paths

Processor = Callable[[Any, str, dict[str, Any]], dict[str, Any]]  # structlog's processor signature


def shared_processors(mask: Processor) -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        mask_secret_paths,  # after the extras: Django adds the request itself as `request=`
        mask,  # last: also covers values added from `extra` and the context
    ]


class RoutineTaskRuns(logging.Filter):
    """Drops the task worker's line per task start and finish; its failures and warnings still show.

    ``manage.py db_worker`` sets the task loggers to INFO at its default verbosity, whatever the
    logging settings say, and two lines per task drown everything else a demo prints.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        routine = record.levelno < logging.WARNING and str(record.msg).startswith("Task id=")
        return not (routine and record.name.startswith("django_tasks"))


def logging_config(level: str, *, json: bool, mask: Processor) -> dict[str, Any]:
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    chain = shared_processors(mask)
    structlog.configure(
        processors=[*chain, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
                "foreign_pre_chain": chain,
            }
        },
        "filters": {"routine_task_runs": {"()": RoutineTaskRuns}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": [] if level.upper() == "DEBUG" else ["routine_task_runs"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            # One line per task start and finish drowns everything else; failures still log.
            "django_tasks": {"level": "WARNING"},
            "django_tasks_db": {"level": "WARNING"},
        },
    }
