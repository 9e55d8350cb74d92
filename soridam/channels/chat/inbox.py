"""Group commit of the visitors' messages in one ASGI process.

Each message must be committed before its ack, and a commit waits for the disk: one transaction per
message, all on the one thread ``database_sync_to_async`` uses, held the process to about a hundred
messages a second (bench/README.md, "Live chat"). Here the sockets hand their messages to ``Batches``: its
thread stores everything that queued while the previous batch was being stored, in one transaction
(``store.receive_many``), and each socket acks its message once that commit is done. The thread has its own
database connection, so the batches never wait behind the sockets' reads (``reads.py``), nor those behind
the batches.
"""

from __future__ import annotations

from soridam.channels.chat.batches import Batches
from soridam.channels.chat.store import Inbound, Stored, receive_many

# A message's group commit starts this long after it arrived, at the latest: at a thousand messages a second a
# commit handled at once held two or three, and its fixed part (the transaction, its five statements) cost more
# CPU than their rows (bench/README.md, "live chat at 1,000 sockets, the group commit's Python"). 5 ms on an
# ack whose target is 100 ms; a backlog is never held longer.
LINGER_SECONDS = 0.005


class Inbox(Batches[Inbound, Stored]):
    def __init__(self) -> None:
        super().__init__(receive_many, "chat-inbox", linger=LINGER_SECONDS)

    async def receive(self, inbound: Inbound) -> Stored:
        """``store.receive`` for one message, committed with the others that arrive meanwhile."""
        return await self.call(inbound)


inbox = Inbox()
