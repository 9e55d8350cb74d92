"""Background work of the KakaoTalk channel."""

from __future__ import annotations

from django_tasks import task

from soridam.channels.kakao import skill
from soridam.lib import jobs


@task(priority=jobs.CUSTOMER)
def deliver_late_answer(payload_id: int) -> str:
    """The bot's answer to a skill call that missed its HTTP answer: to the callback URL, else the dealer."""
    return skill.deliver_late(payload_id)
