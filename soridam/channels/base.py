"""The shape every channel shares: a Transport with inbound, outbound and health, and a registry.

Inbound always runs in this order (``soridam.channels.pipeline``):
raw payload -> ``verify`` -> store the raw bytes (unique by ``external_id``) -> ``process``
(normalise, thread, then ``cases.actions``). A payload that fails anywhere after it is stored is
quarantined with its bytes and can be replayed with ``manage.py reprocess_payloads``.
Outbound (``soridam.notifications``): ``cases.actions`` calls ``notify_customer``, which writes an
``OutboundMessage`` row for the channel the customer last wrote on (else e-mail) in the caller's
transaction. After the commit a task claims the row (one short transaction: state ``sending``, a lease,
one more attempt), calls ``send`` outside any transaction, and records the result (a second one). A
``TransportError(permanent=True)`` fails the row at once; a temporary one is retried with backoff up to
``SORIDAM_OUTBOUND_MAX_ATTEMPTS``. A row whose worker died is claimed again once its lease has expired,
unless its send had begun: then the message may have arrived, and the row is left in doubt rather than sent
twice, except on a transport whose ``repeat_is_harmless`` (it finds what it delivered before).
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from django.http import HttpRequest, HttpResponse, JsonResponse

from soridam.cases.models import Case, Message
from soridam.channels.models import ChannelAccount, RawPayload

if TYPE_CHECKING:
    from soridam.notifications.models import OutboundMessage


class Unauthorized(Exception):
    """A webhook request that does not prove it comes from the provider: a forged, missing or stale signature
    or token. Answered with ``status`` (401 or 403); nothing is stored (``channels.webhooks``)."""

    def __init__(self, reason: str, *, status: int = 403) -> None:
        super().__init__(reason)
        self.status = status


class Rejected(ValueError):
    """The payload failed verification or is not something we can take in; the reason goes to quarantine."""


@dataclass(frozen=True)
class Ignored:
    """The payload is valid but must not become a case message (an auto-reply, a bounce). Its side
    effects (a bounce marking our mail failed) are kept."""

    reason: str
    case: Case | None = None


@dataclass(frozen=True)
class Delivered:
    """What ``process`` produced: the case message the payload became."""

    case: Case
    message: Message


@dataclass(frozen=True)
class SendResult:
    """What the provider answered for a delivered message: its id (for e-mail our Message-ID)."""

    external_id: str = ""


class TransportError(Exception):
    """Sending failed. ``permanent``: the provider refused the message itself (an SMTP 5xx, an HTTP 4xx
    validation or auth error, an unknown recipient) and the same request will never succeed, so it is not
    retried. Otherwise (a timeout, a connection error, an SMTP 4xx, an HTTP 429 or 5xx) the delivery is
    retried later: after ``retry_after`` seconds when the provider said so (``Retry-After``), else with
    the outbox's backoff. ``in_doubt``: the provider was handed the whole message and its answer never came, so
    the customer may have it; it is neither retried nor failed, but left for a person to check."""

    def __init__(
        self, message: str, *, permanent: bool, retry_after: float | None = None, in_doubt: bool = False
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.in_doubt = in_doubt


Sender = Callable[["OutboundMessage"], SendResult]


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str


class Transport(ABC):
    kind: ClassVar[str]
    # Providers that call us: ``POST /hooks/<kind>/<account slug>/`` (``channels.webhooks``).
    webhook: ClassVar[bool] = False
    max_body: ClassVar[int] = 1_000_000  # bytes; a longer webhook body gets 413
    # A send whose worker died before its result was recorded may have reached the customer. It is repeated only
    # where a repeat cannot reach them twice (the transport finds what it delivered before); elsewhere the row
    # is left in doubt (``notifications.delivery``).
    repeat_is_harmless: ClassVar[bool] = False

    @abstractmethod
    def external_id(self, raw: bytes) -> str:
        """The provider's id for this payload: the same delivery twice gives the same id."""

    def same_content(self, stored: bytes, raw: bytes) -> bool:
        """Two payloads with one external id: is the second a re-delivery of the first?"""
        return stored == raw

    def verify(self, raw: bytes, account: ChannelAccount | None) -> None:  # noqa: B027 - optional hook
        """Raise Rejected when the payload is not authentic (signature, token, size); default accepts."""

    def authenticate(self, request: HttpRequest, raw: bytes, account: ChannelAccount) -> None:
        """Raise Unauthorized unless this webhook request is the provider's: its signature over ``raw`` (the
        bytes as received, never re-serialised), its secret header or the account's URL token. Compare
        with ``hmac.compare_digest``. Runs before anything is stored."""
        raise Unauthorized(f"the {self.kind} channel takes no webhooks")

    def process_delay(self) -> timedelta | None:
        """How long the queued processing of a stored payload waits. A channel that processes the payload in
        its ``answer`` (a KakaoTalk skill) waits past its answer's deadline, so the worker finds the payload done
        instead of waiting on its row lock behind a slow bot; the queued task stays the safety net."""
        return None

    def challenge(self, request: HttpRequest, account: ChannelAccount) -> HttpResponse | None:
        """The answer to the provider's ``GET`` on the webhook URL (Meta's ``hub.challenge``); None: 405."""
        return None

    def answer(self, request: HttpRequest, account: ChannelAccount, payload: RawPayload, is_new: bool) -> HttpResponse:
        """The 2xx the provider gets once ``payload`` is stored (its processing is queued). A channel that
        answers the customer in the response itself (a KakaoTalk skill) processes it here, in time."""
        return JsonResponse({"ok": True})

    @abstractmethod
    def process(self, payload: RawPayload) -> Delivered | Ignored:
        """Normalise a stored payload and hand it to ``cases.actions``. Runs in a transaction;
        raise Rejected to quarantine it (everything it did is rolled back)."""

    def send(self, outbound: OutboundMessage) -> SendResult:
        """Deliver one outbox row (its ``recipient``, ``account``, ``subject`` and ``body``) to the
        customer. Runs outside any transaction; raise TransportError on failure. A row is sent again after a
        temporary failure: reuse ``outbound.external_id`` where the provider de-duplicates."""
        raise TransportError(f"the {self.kind} channel cannot send messages yet", permanent=True)

    @contextlib.contextmanager
    def session(self, outbounds: Sequence[OutboundMessage]) -> Iterator[Sender]:
        """``outbounds`` sent one after another (a batch of deliveries): yields the function that sends
        each, like ``send``. A transport with a connection to set up (SMTP) keeps one open for the
        session, and may read what the rows need at once; a failed send must leave the session usable
        for the next row."""
        yield self.send

    @abstractmethod
    def health(self, account: ChannelAccount) -> Health:
        """Whether the account works, for the admin and readiness checks."""


_REGISTRY: dict[str, Transport] = {}


def register(transport: Transport) -> Transport:
    _REGISTRY[transport.kind] = transport
    return transport


def get_transport(kind: str) -> Transport:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no transport registered for channel {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)
