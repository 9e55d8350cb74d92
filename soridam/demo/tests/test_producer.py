from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from soridam.cases.models import Case
from soridam.demo import synthetic
from soridam.demo.producer import Producer, ProducerFailed


def pid_and_job(job: int) -> list[bytes]:
    return [str(os.getpid()).encode(), str(job * job).encode()]


def test_the_work_runs_in_another_process_and_comes_back_in_the_order_submitted() -> None:
    with Producer(pid_and_job) as producer:
        for job in range(5):
            producer.submit(job)
        results = [producer.result() for _ in range(5)]

    assert {pid for pid, _square in results} != {str(os.getpid()).encode()}
    assert len({pid for pid, _square in results}) == 1
    assert [square for _pid, square in results] == [b"0", b"1", b"4", b"9", b"16"]


def fail_on_three(job: int) -> list[bytes]:
    if job == 3:
        raise ValueError("no scenario for job 3")
    return [b"done"]


def test_an_error_in_the_producer_is_raised_in_the_parent_with_its_traceback() -> None:
    with Producer(fail_on_three) as producer:
        for job in range(2, 5):
            producer.submit(job)
        assert producer.result() == [b"done"]
        with pytest.raises(ProducerFailed, match=r"ValueError: no scenario for job 3"):
            producer.result()


def die(job: int) -> list[bytes]:
    os.kill(os.getpid(), signal.SIGKILL)
    return []


def test_a_producer_that_dies_is_an_error_not_a_wait() -> None:
    with Producer(die) as producer:
        producer.submit(1)
        with pytest.raises(ProducerFailed, match="exit code -9"):
            producer.result()


@pytest.mark.django_db
def test_a_row_that_cannot_be_made_stops_the_load_and_stores_nothing(monkeypatch: Any) -> None:
    """On PostgreSQL the rows are made in the producers, on SQLite in this process: the same outcome."""

    def broken_row(*args: Any) -> Any:
        raise ValueError("no scenario for this category")

    monkeypatch.setattr(synthetic, "_case_row", broken_row)
    with pytest.raises((ProducerFailed, ValueError), match="no scenario for this category"):
        synthetic.generate_cases(300, batch=100)

    assert not Case.objects.exists()
