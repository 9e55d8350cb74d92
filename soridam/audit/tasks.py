"""Audit jobs, run by the scheduler (``sla/periodic.py``): the hourly checkpoint and the daily verification.
Either one that finds a problem alerts the admins (bell and mail) with the first broken entry."""

from __future__ import annotations

import logging

from django_tasks import task

from soridam.audit.alarm import alert_admins
from soridam.audit.checkpoints import take_checkpoint
from soridam.audit.verify import verify_all

logger = logging.getLogger(__name__)


@task()
def checkpoint_audit() -> int:
    checkpoint, problems = take_checkpoint()
    if problems:
        alert_admins(problems)
    return checkpoint.number


@task()
def verify_audit_log() -> int:
    problems = verify_all()
    if problems:
        alert_admins(problems)
    return len(problems)
