"""The shape every channel shares: a Transport with inbound, outbound and health, and a registry.

Inbound always runs in this order (``soridam.channels.pipeline``):
raw payload -> ``verify`` -> store the raw bytes (unique by ``external_id``) -> ``process``
(normalise, thread, then ``cases.actions``). A payload that fails anywhere after it is stored is
quarantined with its bytes and can be replayed with ``manage.py reprocess_payloads``.
Outbound goes through an outbox row and a task that calls ``send``; failures are retried with backoff.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from soridam.cases.models import Case, Message
from soridam.channels.models import ChannelAccount, RawPayload


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
class Health:
    ok: bool
    detail: str


class Transport(ABC):
    kind: ClassVar[str]

    @abstractmethod
    def external_id(self, raw: bytes) -> str:
        """The provider's id for this payload: the same delivery twice gives the same id."""

    def same_content(self, stored: bytes, raw: bytes) -> bool:
        """Two payloads with one external id: is the second a re-delivery of the first?"""
        return stored == raw

    def verify(self, raw: bytes, account: ChannelAccount | None) -> None:  # noqa: B027 - optional hook
        """Raise Rejected when the payload is not authentic (signature, token, size); default accepts."""

    @abstractmethod
    def process(self, payload: RawPayload) -> Delivered | Ignored:
        """Normalise a stored payload and hand it to ``cases.actions``. Runs in a transaction;
        raise Rejected to quarantine it (everything it did is rolled back)."""

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
