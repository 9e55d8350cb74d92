"""A local Naver Commerce API for the contract tests: real HTTP (``FakeProvider``), the documented shapes.

It checks the token request's bcrypt signature with its own copy of the secret, keeps product orders with
their claims, pages the change feed with ``more`` and refuses windows over 24 hours (code 104139, as the
API does), and runs the claim calls (``cancel/request``, ``cancel/approve``, ``return/approve``) as state
changes, counting every refund. ``script`` still injects a 429, a 5xx or a lost answer ahead of the state.
"""

from __future__ import annotations

import base64
import hmac
import itertools
import json
import secrets
import time
import urllib.parse
from datetime import datetime, timedelta
from typing import Any

import bcrypt

from soridam.channels.tests.fakeprovider import FakeProvider, Recorded, Reply

CLIENT_ID = "7dMvteboKNHwyRremLXXXX"
CLIENT_SECRET = "$2a$04$dqVRQvyZ./Bu0m4BDZh6eu"  # Naver's secrets are bcrypt salts of this shape
PREFIX = "/external"


def _json(status: int, body: object) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(body, ensure_ascii=False).encode()


def _ok(data: object) -> Reply:
    return _json(200, {"timestamp": "2026-12-07T10:00:00.000+09:00", "traceId": "fake-trace", "data": data})


def _error(status: int, code: str, message: str) -> Reply:
    return _json(status, {"code": code, "message": message, "timestamp": "2026-12-07T10:00:00.000+09:00"})


class FakeNaver:
    def __init__(self, *, page_size: int = 300) -> None:
        self.http = FakeProvider(default=self._route)
        self.page_size = page_size
        self.tokens: dict[str, float] = {}
        self.product_orders: dict[str, dict[str, Any]] = {}
        self.changed_at: dict[str, datetime] = {}
        self.refunds: list[str] = []  # product order ids whose payment went back to the buyer
        self.lose_next_answer = False  # apply the next claim call, then answer 500 (our answer "lost")
        self._claim_ids = itertools.count(9000)

    @property
    def url(self) -> str:
        return self.http.url + PREFIX

    def __enter__(self) -> FakeNaver:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.__exit__(*exc)

    def script(self, path: str, *replies: Reply) -> None:
        self.http.script(PREFIX + path, *replies)

    def to(self, path: str) -> list[Recorded]:
        return self.http.to(PREFIX + path)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def add_order(self, order_id: str, lines: list[dict[str, Any]], *, changed_at: datetime, **order: Any) -> list[str]:
        """Product orders ``{order_id}01``, ``…02``: each line's fields go into its ``productOrder``."""
        ids = []
        for index, given in enumerate(lines, start=1):
            line = dict(given)
            delivery = line.pop("delivery", None)
            product_order_id = f"{order_id}{index:02d}"
            product_order = {
                "productOrderId": product_order_id,
                "productOrderStatus": "PAYED",
                "productName": f"상품 {index}",
                "quantity": 1,
                "unitPrice": 10000,
                "totalPaymentAmount": 10000,
                "remainPaymentAmount": line.get("totalPaymentAmount", 10000),
                "packageNumber": f"P{order_id}",
                "deliveryFeeAmount": 3000,
                **line,
            }
            self.product_orders[product_order_id] = {
                "order": {
                    "orderId": order_id,
                    "orderDate": "2026-12-01T09:00:00.000+09:00",
                    "paymentDate": "2026-12-01T09:01:00.000+09:00",
                    "paymentMeans": "신용카드",
                    "ordererName": "김하나",
                    "ordererTel": "01012345678",
                    "ordererNo": "buyer-77",
                    **order,
                },
                "productOrder": product_order,
                "delivery": delivery,
            }
            self.changed_at[product_order_id] = changed_at
            ids.append(product_order_id)
        return ids

    def open_claim(self, product_order_id: str, claim_type: str, claim_status: str) -> None:
        product_order = self.product_orders[product_order_id]["productOrder"]
        product_order.update(claimType=claim_type, claimStatus=claim_status, claimId=str(next(self._claim_ids)))

    # --- routing -------------------------------------------------------------------------------------

    def _route(self, request: Recorded) -> Reply:
        path, _, query = request.path.partition("?")
        path = path.removeprefix(PREFIX)
        if path == "/v1/oauth2/token":
            return self._token(request)
        if not self._authorised(request):
            return _error(401, "GW.AUTHN", "인증에 실패했습니다.")
        if path == "/v1/pay-order/seller/product-orders/last-changed-statuses":
            return self._changes(urllib.parse.parse_qs(query))
        if path == "/v1/pay-order/seller/product-orders/query":
            wanted = request.json()["productOrderIds"]
            return _ok([self.product_orders[poid] for poid in wanted if poid in self.product_orders])
        if path.startswith("/v1/pay-order/seller/orders/") and path.endswith("/product-order-ids"):
            order_id = path.split("/")[5]
            ids = [poid for poid, entry in self.product_orders.items() if entry["order"]["orderId"] == order_id]
            return _ok(ids) if ids else _error(404, "NOT_FOUND", "주문이 없습니다.")
        if "/claim/" in path:
            return self._claim(path, request)
        return _error(404, "NOT_FOUND", path)

    def _token(self, request: Recorded) -> Reply:
        form = {key: values[0] for key, values in urllib.parse.parse_qs(request.body.decode()).items()}
        if request.header("Content-Type") != "application/x-www-form-urlencoded":
            return _error(400, "BAD_REQUEST", "form only")
        timestamp = int(form.get("timestamp", "0"))
        if abs(time.time() * 1000 - timestamp) > 5 * 60 * 1000 or form.get("grant_type") != "client_credentials":
            return _error(400, "BAD_REQUEST", "timestamp or grant_type")
        expected = base64.standard_b64encode(bcrypt.hashpw(f"{CLIENT_ID}_{timestamp}".encode(), CLIENT_SECRET.encode()))
        sent = form.get("client_secret_sign", "").encode()
        if form.get("client_id") != CLIENT_ID or not hmac.compare_digest(expected, sent):
            return _error(403, "GW.AUTHN", "전자서명이 올바르지 않습니다.")
        token = secrets.token_urlsafe(16)
        self.tokens[token] = time.time() + 10800
        return _json(200, {"access_token": token, "expires_in": 10800, "token_type": "Bearer"})

    def _authorised(self, request: Recorded) -> bool:
        token = request.header("Authorization").removeprefix("Bearer ")
        return self.tokens.get(token, 0) > time.time()

    def _changes(self, query: dict[str, list[str]]) -> Reply:
        start = datetime.fromisoformat(query["lastChangedFrom"][0])
        end = (
            datetime.fromisoformat(query["lastChangedTo"][0]) if "lastChangedTo" in query else start + timedelta(days=1)
        )
        if end - start > timedelta(hours=24):
            return _error(400, "104139", "조회 가능한 날짜 범위를 초과했습니다.")
        after = query.get("moreSequence", [""])[0]
        hits = sorted(
            (when, poid)
            for poid, when in self.changed_at.items()
            if start < when <= end or (when == start and poid >= after)
        )
        page, rest = hits[: self.page_size], hits[self.page_size :]
        data: dict[str, Any] = {"count": len(page), "lastChangeStatuses": [self._change(poid) for _, poid in page]}
        if rest:
            data["more"] = {"moreFrom": rest[0][0].isoformat(timespec="milliseconds"), "moreSequence": rest[0][1]}
        return _ok(data)

    def _change(self, product_order_id: str) -> dict[str, Any]:
        entry = self.product_orders[product_order_id]
        return {
            "orderId": entry["order"]["orderId"],
            "productOrderId": product_order_id,
            "lastChangedType": "PAYED",
            "lastChangedDate": self.changed_at[product_order_id].isoformat(timespec="milliseconds"),
            "productOrderStatus": entry["productOrder"]["productOrderStatus"],
        }

    def _claim(self, path: str, request: Recorded) -> Reply:
        parts = path.split("/")
        product_order_id, action = parts[5], "/".join(parts[7:])
        product_order = self.product_orders[product_order_id]["productOrder"]
        applied = self._apply(product_order, action, request.json() if request.body else {})
        if self.lose_next_answer:
            self.lose_next_answer = False
            return _error(500, "INTERNAL", "lost")
        if applied:
            return _ok({"successProductOrderIds": [product_order_id], "failProductOrderInfos": []})
        fail = {"productOrderId": product_order_id, "code": "104105", "message": "처리할 수 없는 상태입니다."}
        return _ok({"successProductOrderIds": [], "failProductOrderInfos": [fail]})

    def _apply(self, product_order: dict[str, Any], action: str, body: dict[str, Any]) -> bool:
        status = product_order.get("claimStatus")
        if action == "cancel/request" and product_order["productOrderStatus"] == "PAYED" and not status:
            assert body["cancelReason"] in {"INTENT_CHANGED", "PRODUCT_UNSATISFIED", "SOLD_OUT", "DELAYED_DELIVERY"}
            self.open_claim(product_order["productOrderId"], "CANCEL", "CANCEL_REQUEST")
            return True
        if action == "cancel/approve" and status == "CANCEL_REQUEST":
            product_order.update(claimStatus="CANCEL_DONE", productOrderStatus="CANCELED")
            self.refunds.append(product_order["productOrderId"])
            return True
        if action == "return/approve" and status in {"RETURN_REQUEST", "COLLECTING", "COLLECT_DONE"}:
            product_order.update(claimStatus="RETURN_DONE", productOrderStatus="RETURNED")
            self.refunds.append(product_order["productOrderId"])
            return True
        return False
