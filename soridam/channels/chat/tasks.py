"""The chat's background work: the bot's turn (or joining the case) after a visitor's message is stored."""

from __future__ import annotations

from django_tasks import task

from soridam.channels.chat import conversation
from soridam.lib import jobs


@task(priority=jobs.CUSTOMER)
def answer_customer(message_id: int) -> str:
    return conversation.answer_customer(message_id)
