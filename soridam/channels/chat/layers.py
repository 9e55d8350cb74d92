"""The in-memory channel layer (the default, without Redis), with its clean-up at most once a second.

Channels' ``InMemoryChannelLayer`` looks through every channel and group for expired messages on each
``receive``, and every socket calls ``receive`` when it opens and after each event: with a thousand sockets a
reconnect of all of them cost a million look-ups on the event loop (bench/README.md, "Live chat"). Messages
expire after ``expiry`` (60 s), so looking once a second frees them at most a second later.

Every socket also asks for a channel name when it opens. Channels draws its twelve letters one
``random.choice`` at a time: about a sixth of the loop's CPU when every widget reconnects at once (bench/README.md,
"live chat, a cheap reconnect"). One ``uuid4`` is as unique (channels_redis names its channels so).
"""

from __future__ import annotations

import time
import uuid

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryLayer

CLEAN_EVERY_SECONDS = 1.0


class InMemoryChannelLayer(ChannelsInMemoryLayer):
    _cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at >= CLEAN_EVERY_SECONDS:
            self._cleaned_at = now
            super()._clean_expired()

    async def new_channel(self, prefix: str = "specific.") -> str:
        return f"{prefix}.inmemory!{uuid.uuid4().hex}"
