"""Background work of the channel framework."""

from __future__ import annotations

from django_tasks import task

from soridam.channels import pipeline
from soridam.channels.email.imap import fetch_all
from soridam.lib import jobs


@task(priority=jobs.CASE_FLOW)
def process_payload(payload_id: int) -> str:
    return str(pipeline.process(payload_id).state)


@task(priority=jobs.CASE_FLOW)
def fetch_all_mailboxes() -> int:
    """Poll every active e-mail account once; a failing mailbox is recorded on its account, not raised."""
    return fetch_all()
