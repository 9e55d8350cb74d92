"""상담톡: agents' replies to a KakaoTalk user (channels.md §2.2). A skill server cannot speak first, so a
person's reply goes through an official 상담톡 dealer, whose API differs per dealer: ``KakaoConsultDealer``
is what the transport needs, with one implementation per dealer.

Account options: ``dealer`` ("happytalk"; absent: no dealer), ``dealer_api_base`` (default
``https://kakao-api.happytalk.io``; a local fake in tests), ``dealer_client_id`` (``HT-Client-Id``),
``sender_key`` (the channel's sender key at the dealer); the account's encrypted ``token`` is the
``HT-Client-Secret``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from soridam.channels.http import post_json
from soridam.channels.models import ChannelAccount

HAPPYTALK_API = "https://kakao-api.happytalk.io"
MAX_TEXT = 1000  # characters of a 상담톡 text message (channels.md §2.2)


class KakaoConsultDealer(Protocol):
    @property
    def name(self) -> str: ...

    def send_text(self, *, user_key: str, text: str, serial_number: str) -> None:
        """Send ``text`` to the channel user ``user_key``. ``serial_number`` is unique per message and the
        same on every retry of it, so the dealer can drop a repeat. Raises ``TransportError``."""


@dataclass(frozen=True)
class HappytalkDealer:
    """Happytalk (MBI): ``POST /v1/chat/write`` with ``HT-Client-Id`` and ``HT-Client-Secret``."""

    api_base: str
    client_id: str
    client_secret: str
    sender_key: str
    name: str = "happytalk"

    def send_text(self, *, user_key: str, text: str, serial_number: str) -> None:
        body = {
            "user_key": user_key,
            "sender_key": self.sender_key,
            "serial_number": serial_number,
            "message_type": "TX",
            "message": text,
        }
        headers = {"HT-Client-Id": self.client_id, "HT-Client-Secret": self.client_secret}
        post_json(f"{self.api_base.rstrip('/')}/v1/chat/write", body, headers=headers, what="상담톡 chat/write")


def configured_dealer(account: ChannelAccount) -> KakaoConsultDealer | None:
    options = account.options
    if options.get("dealer") != "happytalk":
        return None
    return HappytalkDealer(
        api_base=str(options.get("dealer_api_base") or HAPPYTALK_API),
        client_id=str(options.get("dealer_client_id") or ""),
        client_secret=account.token,
        sender_key=str(options.get("sender_key") or ""),
    )
