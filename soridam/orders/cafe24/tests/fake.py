"""A local Cafe24 for tests: the OAuth endpoints and the Admin API's orders and claims, over real HTTP.

It speaks the documented shapes (``/api/v2/oauth/authorize`` redirecting with ``code`` and ``state``;
``/api/v2/oauth/token`` with HTTP Basic client credentials and a form body; ``/api/v2/admin/orders``
answering ``{"orders": [...]}``; ``/api/v2/admin/orders/{order_id}`` answering ``{"order": {...}}``;
``POST /api/v2/admin/cancellation|return|exchange`` with ``{"shop_no", "requests": [...]}``) and its rules:
an authorisation code lives one minute and is used once; an access token lives two hours; a refresh token
is replaced at each refresh. ``advance`` moves its clock; ``FakeProvider.script`` (via ``script``) queues
429s and 5xx in front of any path; ``lose_next_answer`` processes a claim and answers 504 (a lost answer).
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
import urllib.parse
from datetime import datetime, timedelta
from typing import Any

from soridam.channels.tests.fakeprovider import FakeProvider, Recorded, Reply
from soridam.orders.cafe24.normalise import KST
from soridam.orders.cafe24.samples import order_payload

__all__ = ["FakeCafe24", "order_payload"]

JSON = {"Content-Type": "application/json"}
CODE_SECONDS = 60
ACCESS_SECONDS = 2 * 3600
_CLAIM_STATUS = {"cancellation": "C40", "return": "R10", "exchange": "E10"}
_CLAIM_LETTER = {"cancellation": "C", "return": "R", "exchange": "E"}


def _answer(status: int, body: object, headers: dict[str, str] | None = None) -> Reply:
    return status, {**JSON, **(headers or {})}, json.dumps(body, ensure_ascii=False).encode()


def _error(status: int, message: str) -> Reply:
    return _answer(status, {"error": {"code": status, "message": message}})


class FakeCafe24:
    def __init__(
        self,
        *,
        client_id: str = "fake-client",
        client_secret: str = "fake-secret",  # noqa: S107 - the fake's own test credential
        mall_id: str = "demo",
    ) -> None:
        self.client_id, self.client_secret, self.mall_id = client_id, client_secret, mall_id
        self.orders: dict[str, dict[str, Any]] = {}
        self.claims: list[dict[str, Any]] = []  # every claim request processed, as posted
        self._codes: dict[str, tuple[float, str]] = {}  # code → (issued at, redirect_uri)
        self._access: dict[str, float] = {}  # token → expires at (fake clock)
        self._refresh: set[str] = set()
        self._skew = 0.0
        self._lose_next = False
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.http = FakeProvider(self._route)

    # --- the test's controls -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.http.url

    @property
    def requests(self) -> list[Recorded]:
        return self.http.requests

    def to(self, path: str) -> list[Recorded]:
        return self.http.to(path)

    def script(self, path: str, *replies: Reply) -> None:
        self.http.script(path, *replies)

    def advance(self, seconds: float) -> None:
        self._skew += seconds

    def expire_access_tokens(self) -> None:
        with self._lock:
            self._access = dict.fromkeys(self._access, 0.0)

    def lose_next_answer(self) -> None:
        self._lose_next = True

    def add_order(self, payload: dict[str, Any]) -> None:
        self.orders[payload["order_id"]] = payload

    def issue_tokens(self) -> dict[str, Any]:
        """A token pair as if the shop had been connected already."""
        return self._token_pair()

    def __enter__(self) -> FakeCafe24:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.__exit__(*exc)

    # --- the server ----------------------------------------------------------------------------------
    def _now(self) -> float:
        return time.monotonic() + self._skew

    def _route(self, request: Recorded) -> Reply:
        path, _sep, query = request.path.partition("?")
        params = {key: values[0] for key, values in urllib.parse.parse_qs(query).items()}
        if path == "/api/v2/oauth/authorize":
            return self._authorize(params)
        if path == "/api/v2/oauth/token":
            return self._token(request)
        if not path.startswith("/api/v2/admin/"):
            return _error(404, "No API found")
        if not self._authorised(request):
            return _answer(401, {"error": {"code": 401, "message": "Invalid access_token"}})
        return self._admin(request.method, path.removeprefix("/api/v2/admin"), params, request)

    def _authorize(self, params: dict[str, str]) -> Reply:
        if params.get("client_id") != self.client_id or params.get("response_type") != "code":
            return _error(400, "invalid client_id or response_type")
        if not params.get("state"):
            return _error(400, "state is required")
        code = secrets.token_urlsafe(16)
        self._codes[code] = (self._now(), params.get("redirect_uri", ""))
        answer = urllib.parse.urlencode({"code": code, "state": params["state"]})
        return 302, {"Location": f"{params.get('redirect_uri', '')}?{answer}"}, b""

    def _token(self, request: Recorded) -> Reply:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.header("Authorization") != f"Basic {expected}":
            return _answer(401, {"error": "invalid_client", "error_description": "client authentication failed"})
        form = {key: values[0] for key, values in urllib.parse.parse_qs(request.body.decode()).items()}
        with self._lock:
            if form.get("grant_type") == "authorization_code":
                issued = self._codes.pop(form.get("code", ""), None)  # a code is used once
                if issued is None or self._now() - issued[0] > CODE_SECONDS or issued[1] != form.get("redirect_uri"):
                    return _answer(400, {"error": "invalid_grant", "error_description": "invalid or expired code"})
            elif form.get("grant_type") == "refresh_token":
                if form.get("refresh_token") not in self._refresh:
                    return _answer(400, {"error": "invalid_grant", "error_description": "invalid refresh_token"})
                self._refresh.discard(form["refresh_token"])  # replaced by the new one
            else:
                return _answer(400, {"error": "unsupported_grant_type"})
            return _answer(200, self._token_pair())

    def _token_pair(self) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(20), secrets.token_urlsafe(20)
        self._access[access] = self._now() + ACCESS_SECONDS
        self._refresh.add(refresh)
        now = datetime.now(KST).replace(tzinfo=None)
        expires = now + timedelta(seconds=ACCESS_SECONDS + self._skew)
        return {
            "access_token": access,
            "expires_at": expires.isoformat(timespec="milliseconds"),  # KST, no offset: as Cafe24 answers
            "refresh_token": refresh,
            "refresh_token_expires_at": (now + timedelta(days=14)).isoformat(timespec="milliseconds"),
            "client_id": self.client_id,
            "mall_id": self.mall_id,
            "user_id": "operator",
            "scopes": ["mall.read_order", "mall.write_order"],
            "issued_at": now.isoformat(timespec="milliseconds"),
        }

    def _authorised(self, request: Recorded) -> bool:
        token = request.header("Authorization").removeprefix("Bearer ")
        with self._lock:
            return self._access.get(token, 0.0) > self._now()

    def _admin(self, method: str, path: str, params: dict[str, str], request: Recorded) -> Reply:
        if method == "GET" and path == "/orders":
            return _answer(200, {"orders": self._search(params)})
        if method == "GET" and path.startswith("/orders/"):
            order = self.orders.get(path.removeprefix("/orders/"))
            return _answer(200, {"order": order}) if order else _error(404, "No API found")
        if method == "POST" and path.strip("/") in _CLAIM_STATUS:
            return self._claim(path.strip("/"), request.json())
        return _error(404, "No API found")

    def _search(self, params: dict[str, str]) -> list[dict[str, Any]]:
        date_field = params.get("date_type", "order_date")
        start, end = params.get("start_date", ""), params.get("end_date", "")
        found = []
        for order in self.orders.values():
            when = datetime.fromisoformat(order.get(date_field) or order["order_date"])
            if (start and when < datetime.fromisoformat(start)) or (end and when >= datetime.fromisoformat(end)):
                continue
            if params.get("member_id") and order.get("member_id") != params["member_id"]:
                continue
            if params.get("buyer_email") and (order.get("buyer") or {}).get("email") != params["buyer_email"]:
                continue
            found.append(order)
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 10))
        return found[offset : offset + limit]

    def _claim(self, endpoint: str, body: dict[str, Any]) -> Reply:
        done = []
        for request in body.get("requests") or []:
            order = self.orders.get(request.get("order_id", ""))
            if order is None:
                return _error(404, "order not found")
            claim_code = f"{_CLAIM_LETTER[endpoint]}{datetime.now(KST):%Y%m%d}-{next(self._numbers):07d}"
            wanted = {item["order_item_code"] for item in request.get("items") or []}
            for item in order.get("items") or []:
                if item["order_item_code"] in wanted:
                    item["order_status"], item["claim_code"] = _CLAIM_STATUS[endpoint], claim_code
            self.claims.append({"endpoint": endpoint, **request})
            done.append({"shop_no": body.get("shop_no", 1), "order_id": order["order_id"],
                         "status": request.get("status"), "claim_code": claim_code,
                         "items": request.get("items")})  # fmt: skip
        if self._lose_next:
            self._lose_next = False
            return _error(504, "Gateway Timeout")
        return _answer(201, {endpoint: done})
