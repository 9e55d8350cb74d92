"""Finding ``@handle`` mentions in a note: a handle is an agent's username or display name.

Korean names take particles without a space (``@김지은님``, ``@김지은에게``), so a handle may be followed by
any letter that is not a Latin letter, digit or underscore; ``@kim`` does not match ``@kimberly``. The
longest handle wins, so ``@김지은`` is not read as a shorter ``@김지``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from soridam.accounts.models import User

# An @ that starts a mention, not one inside an e-mail address (a word character or dot before it).
_MENTION_START = re.compile(r"(?<![\w.])@")
_LATIN_WORD = re.compile(r"[a-z0-9_]")


def handles_of(user: User) -> list[str]:
    return [handle.casefold() for handle in (user.username, user.display_name.strip()) if handle]


def has_mention(text: str) -> bool:
    return _MENTION_START.search(text) is not None


def find_mentioned(text: str, people: Iterable[User]) -> list[User]:
    """The people whose handle follows an @ in ``text``, each once, in the order first mentioned."""
    handles = sorted(
        ((handle, person) for person in people for handle in handles_of(person)), key=lambda item: -len(item[0])
    )
    folded = text.casefold()
    found: dict[int, User] = {}
    for start in _MENTION_START.finditer(folded):
        person = _longest_at(folded, start.end(), handles)
        if person is not None:
            found.setdefault(person.pk, person)
    return list(found.values())


def _longest_at(folded: str, position: int, handles: list[tuple[str, User]]) -> User | None:
    for handle, person in handles:
        end = position + len(handle)
        if folded.startswith(handle, position) and not _LATIN_WORD.match(folded, end):
            return person
    return None
