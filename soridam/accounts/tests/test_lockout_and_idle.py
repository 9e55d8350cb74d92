"""Lockout after 5 failures for 15 minutes, counted for passwords and codes alike, and the 30-minute idle
sign-out (R-SEC-2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from soridam.accounts.models import User
from soridam.accounts.tests.test_two_factor import enrol, password_login

pytestmark = pytest.mark.django_db
START = datetime(2026, 12, 7, 1, 0, 5, tzinfo=UTC)  # early in a minute: the per-minute rate limit stays out of it


def attempt(url: str, password: str, number: int, username: str = "root") -> Any:
    # A new address each time, so the per-address rate limit is not what stops these.
    return Client(REMOTE_ADDR=f"198.51.100.{number + 1}").post(url, {"username": username, "password": password})


@pytest.mark.parametrize("url", ["/workspace/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(url: str, root: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for number in range(4):
            assert attempt(url, "wrong", number).status_code == 200
        fifth = attempt(url, "wrong", 4)
        assert fifth.status_code == 403
        assert "15" in fifth.content.decode()
        refused = attempt(url, "pw-root", 5)  # the right password changes nothing while locked
        assert refused.status_code == 403
        assert "_auth_user_id" not in refused.client.session
        clock.shift(timedelta(minutes=14, seconds=50))
        assert attempt(url, "pw-root", 6).status_code == 403
        clock.shift(timedelta(seconds=20))
        assert attempt(url, "pw-root", 7).status_code == 302


@pytest.mark.parametrize("url", ["/workspace/login/", "/admin/login/"])
def test_a_name_with_no_account_is_answered_like_an_account_so_the_lockout_tells_nothing(url: str, root: User) -> None:
    def statuses(username: str, first: int) -> list[int]:
        return [attempt(url, "wrong", first + number, username).status_code for number in range(6)]

    with time_machine.travel(START, tick=False) as clock:
        assert statuses("root", 0) == statuses("nobody-here", 10) == [200, 200, 200, 200, 403, 403]
        locked = attempt(url, "wrong", 20, "nobody-here").content.decode()
        assert "15" in locked
        clock.shift(timedelta(minutes=15, seconds=10))
        assert attempt(url, "wrong", 21, "nobody-here").status_code == 200


def test_a_right_password_before_the_fifth_failure_starts_the_count_again(alice: User) -> None:
    with time_machine.travel(START, tick=False):
        for number in range(4):
            attempt("/workspace/login/", "wrong", number, "alice")
        assert attempt("/workspace/login/", "pw-alice", 4, "alice").status_code == 302
        for number in range(4):
            assert attempt("/workspace/login/", "wrong", 10 + number, "alice").status_code == 200


def test_other_accounts_are_not_locked(root: User, alice: User) -> None:
    with time_machine.travel(START, tick=False):
        for number in range(5):
            attempt("/workspace/login/", "wrong", number)
        assert attempt("/workspace/login/", "pw-alice", 9, "alice").status_code == 302


def test_wrong_codes_count_towards_the_lockout_and_end_the_half_signed_in_session(root: User, settings: Any) -> None:
    settings.SORIDAM_REQUIRE_2FA = True
    enroller = Client()
    enroller.force_login(root)
    enrol(enroller, root)
    with time_machine.travel(START, tick=False):
        attempt("/workspace/login/", "wrong", 0)
        attempt("/workspace/login/", "wrong", 1)
        client = password_login("root")  # a right password does not reset a count the code has not finished
        for _number in range(2):
            assert client.post("/account/two-factor/verify/", {"code": "000000"}).status_code == 400
        locked = client.post("/account/two-factor/verify/", {"code": "000000"})
        assert locked.status_code == 302
        assert locked["Location"] == "/workspace/login/"
        assert "_auth_user_id" not in client.session
        assert attempt("/workspace/login/", "pw-root", 3).status_code == 403


def test_idle_for_thirty_minutes_signs_out_and_says_so(alice: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(alice)
        assert client.get("/workspace/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/workspace/").status_code == 200  # activity keeps the session
        clock.shift(timedelta(minutes=29))
        assert client.get("/workspace/").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get("/workspace/")
        assert response.status_code == 302
        assert response["Location"].startswith("/workspace/login/")
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"])
        assert b"data-idle-signed-out" in login_page.content
        assert b"data-idle-signed-out" not in client.get("/workspace/login/").content  # said once


def test_background_polls_do_not_keep_an_idle_session_alive(alice: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(alice)
        client.get("/workspace/")
        for _minute in range(3):
            clock.shift(timedelta(minutes=10))
            client.get("/workspace/alerts/count/")
        clock.shift(timedelta(seconds=1))
        assert client.get("/workspace/").status_code == 302


def test_an_htmx_request_after_the_idle_limit_sends_the_page_to_sign_in(alice: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(alice)
        client.get("/workspace/")
        clock.shift(timedelta(minutes=31))
        poll = client.get("/workspace/alerts/count/", headers={"HX-Request": "true"})
        assert poll.status_code == 204
        assert poll["HX-Redirect"] == "/workspace/login/"
        assert b"data-idle-signed-out" in client.get("/workspace/login/").content
