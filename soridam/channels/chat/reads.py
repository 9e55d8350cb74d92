"""The sockets' reads, each kind in batches on a thread of its own (``batches.py``): the session a token
names, when a socket connects; the frames after a seq when it resumes; and the same when the push loop finds
it behind (``catch_ups``). Catch-ups have their own queue: when every widget reconnects at once, a thousand
resumes queue in ``transcripts``, and a live push (an agent's case page catching up) must not wait behind
them (bench/README.md, "live chat, a cheap reconnect")."""

from __future__ import annotations

from soridam.channels.chat import store, tokens
from soridam.channels.chat.batches import Batches
from soridam.channels.chat.models import ChatMessage, ChatSession

sessions: Batches[str, ChatSession] = Batches(tokens.sessions_for, "chat-sessions")
transcripts: Batches[tuple[int, int], list[ChatMessage]] = Batches(store.transcripts, "chat-transcripts")
catch_ups: Batches[tuple[int, int], list[ChatMessage]] = Batches(store.transcripts, "chat-catch-ups")
