"""The sockets' reads, each kind in batches on a thread of its own (``batches.py``): the session a token
names, when a socket connects, and the frames after a seq, when it resumes or falls behind."""

from __future__ import annotations

from soridam.channels.chat import store, tokens
from soridam.channels.chat.batches import Batches
from soridam.channels.chat.models import ChatMessage, ChatSession

sessions: Batches[str, ChatSession] = Batches(tokens.sessions_for, "chat-sessions")
transcripts: Batches[tuple[int, int], list[ChatMessage]] = Batches(store.transcripts, "chat-transcripts")
