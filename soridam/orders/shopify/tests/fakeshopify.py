"""A local Shopify GraphQL Admin API for the contract tests, over real HTTP (``FakeProvider``).

It answers ``POST /admin/api/{version}/graphql.json`` by operation (Orders, Order, AccessScopes,
CustomerByPhone, RefundCreate, ReturnCreate) with the documented shapes: the ``X-Shopify-Access-Token``
header, cursor pages, the search filters the connector uses, orders older than 60 days hidden without
``read_all_orders`` (silently, as Shopify does), ``THROTTLED`` errors with ``extensions.cost``, the
``@idempotent(key:)`` directive on ``refundCreate`` and ``userErrors``. ``script`` injects 429 and 5xx.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from soridam.channels.tests.fakeprovider import FakeProvider, Recorded, Reply

TOKEN = "shpat_0123456789abcdef0123456789abcdef"
VERSION = "2026-10"
PATH = f"/admin/api/{VERSION}/graphql.json"


def _json(status: int, body: object) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def money(amount: Decimal | int | str) -> dict[str, Any]:
    return {"shopMoney": {"amount": str(amount), "currencyCode": "KRW"}}


class FakeShopify:
    def __init__(self, *, page_size: int = 50) -> None:
        self.http = FakeProvider(default=self._route)
        self.page_size = page_size
        self.scopes = ["read_orders", "write_orders", "write_returns"]
        self.orders: list[dict[str, Any]] = []
        self.refunds: list[dict[str, Any]] = []  # every refund created, across orders
        self.returns: list[dict[str, Any]] = []
        self.throttles: list[dict[str, float]] = []
        self.lose_next_answer = False
        self._idempotent: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1000)

    @property
    def url(self) -> str:
        return self.http.url

    def __enter__(self) -> FakeShopify:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.__exit__(*exc)

    def script(self, *replies: Reply) -> None:
        self.http.script(PATH, *replies)

    @property
    def requests(self) -> list[Recorded]:
        return self.http.to(PATH)

    def throttle_next(self, *, requested: float, available: float, restore_rate: float) -> None:
        self.throttles.append({"requested": requested, "available": available, "restore": restore_rate})

    def add_order(
        self,
        number: int,
        *,
        created_at: datetime,
        updated_at: datetime | None = None,
        total: int = 50000,
        **fields: Any,
    ) -> dict[str, Any]:
        order_id = f"gid://shopify/Order/{number}"
        node: dict[str, Any] = {
            "id": order_id,
            "name": f"#{number}",
            "createdAt": _iso(created_at),
            "updatedAt": _iso(updated_at or created_at),
            "processedAt": _iso(created_at),
            "cancelledAt": None,
            "displayFinancialStatus": "PAID",
            "displayFulfillmentStatus": "UNFULFILLED",
            "returnStatus": "NO_RETURN",
            "currencyCode": "KRW",
            "paymentGatewayNames": ["shopify_payments"],
            "email": "buyer@example.com",
            "phone": None,
            "customer": {
                "id": "gid://shopify/Customer/77",
                "email": "buyer@example.com",
                "phone": "+821012345678",
                "displayName": "Kim Hana",
            },
            "totalPriceSet": money(total),
            "totalReceivedSet": money(total),
            "totalRefundedSet": money(0),
            "lineItems": {"nodes": [self._line(number, total)]},
            "fulfillments": [],
            "refunds": [],
            "returns": {"nodes": []},
            "transactions": [
                {
                    "id": f"gid://shopify/OrderTransaction/{number}1",
                    "kind": "SALE",
                    "status": "SUCCESS",
                    "gateway": "shopify_payments",
                    "amountSet": money(total),
                }
            ],
            **fields,
        }
        self.orders.append(node)
        return node

    def fulfil(self, node: dict[str, Any], *, delivered: bool = False) -> None:
        line = node["lineItems"]["nodes"][0]
        node["displayFulfillmentStatus"] = "FULFILLED"
        node["fulfillments"].append(
            {
                "id": f"gid://shopify/Fulfillment/{next(self._ids)}",
                "status": "SUCCESS",
                "displayStatus": "DELIVERED" if delivered else "IN_TRANSIT",
                "createdAt": node["createdAt"],
                "deliveredAt": node["createdAt"] if delivered else None,
                "trackingInfo": [
                    {"company": "CJ Logistics", "number": "6543210", "url": "https://trace.example/6543210"}
                ],
                "fulfillmentLineItems": {
                    "nodes": [
                        {
                            "id": f"gid://shopify/FulfillmentLineItem/{next(self._ids)}",
                            "quantity": line["quantity"],
                            "lineItem": {"id": line["id"]},
                        }
                    ]
                },
            }
        )

    def _line(self, number: int, total: int) -> dict[str, Any]:
        return {
            "id": f"gid://shopify/LineItem/{number}1",
            "name": "Linen shirt - M",
            "quantity": 1,
            "sku": "SHIRT-M",
            "variantTitle": "M",
            "variant": {"id": f"gid://shopify/ProductVariant/{number}9"},
            "originalUnitPriceSet": money(total),
            "discountedTotalSet": money(total),
        }

    # --- routing -------------------------------------------------------------------------------------

    def _route(self, request: Recorded) -> Reply:
        if request.path != PATH or request.method != "POST":
            return _json(404, {"errors": "Not Found"})
        if request.header("X-Shopify-Access-Token") != TOKEN:
            return _json(
                401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
            )
        if self.throttles:
            throttle = self.throttles.pop(0)
            return _json(200, _throttled(throttle))
        body = request.json()
        query, variables = body["query"], body.get("variables") or {}
        operation = re.search(r"(query|mutation)\s+(\w+)", query)
        name = operation.group(2) if operation else ""
        handler = getattr(self, f"_op_{name}", None)
        if handler is None:
            return _json(200, {"errors": [{"message": f"unknown operation {name}"}]})
        data = handler(query, variables)
        if self.lose_next_answer and name.endswith("Create"):
            self.lose_next_answer = False
            return _json(502, {"errors": "Bad Gateway"})
        return _json(200, {"data": data, "extensions": {"cost": _cost(10, 1990)}})

    def _op_AccessScopes(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return {"currentAppInstallation": {"accessScopes": [{"handle": scope} for scope in self.scopes]}}

    def _op_Order(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return {"order": next((node for node in self._visible() if node["id"] == variables["id"]), None)}

    def _op_Orders(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        found = [node for node in self._visible() if _matches(node, variables["query"])]
        found.sort(key=lambda node: node["updatedAt"])
        start = int(variables.get("after") or 0)
        page = found[start : start + self.page_size]
        more = start + self.page_size < len(found)
        cursor = str(start + self.page_size) if more else None
        return {"orders": {"pageInfo": {"hasNextPage": more, "endCursor": cursor}, "nodes": page}}

    def _op_CustomerByPhone(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        phone = variables["query"].split(":", 1)[1].strip("'")
        ids = {node["customer"]["id"] for node in self.orders if node["customer"]["phone"] == phone}
        return {"customers": {"nodes": [{"id": customer_id} for customer_id in ids]}}

    def _op_RefundCreate(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        key_match = re.search(r'@idempotent\(key:\s*"([^"]+)"\)', query)
        assert key_match, "refundCreate needs @idempotent(key:) from 2026-04"
        key = key_match.group(1)
        if key in self._idempotent:
            return {"refundCreate": {"refund": self._idempotent[key], "userErrors": []}}
        refund_input = variables["input"]
        node = next(node for node in self.orders if node["id"] == refund_input["orderId"])
        transaction = refund_input["transactions"][0]
        amount = Decimal(transaction["amount"])
        received = Decimal(node["totalReceivedSet"]["shopMoney"]["amount"])
        refunded = Decimal(node["totalRefundedSet"]["shopMoney"]["amount"])
        parents = {item["id"] for item in node["transactions"] if item["kind"] in {"SALE", "CAPTURE"}}
        if transaction["parentId"] not in parents or transaction["kind"] != "REFUND" or amount > received - refunded:
            message = "Amount cannot exceed the refundable amount" if amount > received - refunded else "Invalid parent"
            return {"refundCreate": {"refund": None, "userErrors": [{"field": ["transactions"], "message": message}]}}
        refund = {
            "id": f"gid://shopify/Refund/{next(self._ids)}",
            "createdAt": _iso(datetime.now(UTC)),
            "note": refund_input.get("note"),
            "totalRefundedSet": money(amount),
        }
        node["refunds"].append(refund)
        node["totalRefundedSet"] = money(refunded + amount)
        node["displayFinancialStatus"] = "REFUNDED" if refunded + amount == received else "PARTIALLY_REFUNDED"
        self.refunds.append(refund)
        self._idempotent[key] = refund
        return {"refundCreate": {"refund": refund, "userErrors": []}}

    def _op_ReturnCreate(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return_input = variables["returnInput"]
        node = next(node for node in self.orders if node["id"] == return_input["orderId"])
        by_fulfilment = {
            item["id"]: item
            for fulfillment in node["fulfillments"]
            for item in fulfillment["fulfillmentLineItems"]["nodes"]
        }
        if any(line["fulfillmentLineItemId"] not in by_fulfilment for line in return_input["returnLineItems"]):
            return {
                "returnCreate": {
                    "return": None,
                    "userErrors": [{"field": ["returnLineItems"], "message": "not fulfilled", "code": "INVALID"}],
                }
            }
        created = {
            "id": f"gid://shopify/Return/{next(self._ids)}",
            "name": f"{node['name']}-R1",
            "status": "OPEN",
            "exchangeLineItems": {
                "nodes": [
                    {"id": f"gid://shopify/ExchangeLineItem/{next(self._ids)}"}
                    for _ in return_input["exchangeLineItems"]
                ]
            },
            "returnLineItems": {
                "nodes": [
                    {"fulfillmentLineItem": {"lineItem": by_fulfilment[line["fulfillmentLineItemId"]]["lineItem"]}}
                    for line in return_input["returnLineItems"]
                ]
            },
        }
        node["returns"]["nodes"].append(created)
        node["returnStatus"] = "IN_PROGRESS"
        self.returns.append({**created, "input": return_input})
        return {"returnCreate": {"return": {key: created[key] for key in ("id", "name", "status")}, "userErrors": []}}

    def _visible(self) -> list[dict[str, Any]]:
        """Without read_all_orders Shopify answers as if older orders did not exist."""
        if "read_all_orders" in self.scopes:
            return self.orders
        cutoff = _iso(datetime.now(UTC) - timedelta(days=60))
        return [node for node in self.orders if node["createdAt"] >= cutoff]


def _matches(node: dict[str, Any], search: str) -> bool:
    for term in search.split(" AND "):
        field, _, value = term.partition(":")
        operator = re.match(r"[<>]=?", value)
        op = operator.group(0) if operator else ""
        value = value[len(op) :].strip("'")
        actual = {
            "name": node["name"],
            "updated_at": node["updatedAt"],
            "created_at": node["createdAt"],
            "email": node["email"],
            "customer_id": node["customer"]["id"].rsplit("/", 1)[-1],
        }[field]
        if not {"": actual == value, ">=": actual >= value, "<": actual < value}[op]:
            return False
    return True


def _throttled(throttle: dict[str, float]) -> dict[str, Any]:
    return {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/limits"},
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": throttle["requested"],
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": throttle["available"],
                    "restoreRate": throttle["restore"],
                },
            }
        },
    }


def _cost(requested: float, available: float) -> dict[str, Any]:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": requested,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 100.0},
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
