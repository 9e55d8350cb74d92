"""Erlang-C staffing (SPEC R-ANALYTICS-4): pure arithmetic, no database.

A = λ·AHT is the offered load in Erlangs. C(N, A) is the chance a contact waits; the service level is
the share answered within T seconds. The sum is built term by term (A^k/k! from the previous term), so
no factorial overflows even at hundreds of agents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 10_000


def offered_load(contacts_per_hour: float, handle_seconds: float) -> float:
    return contacts_per_hour * handle_seconds / 3600.0


def waiting_probability(agents: int, load: float) -> float:
    """Erlang C: C(N, A) = (A^N/N!)·N/(N−A) ÷ [Σ_{k<N} A^k/k! + (A^N/N!)·N/(N−A)]; 1 when N ≤ A."""
    if agents <= load:
        return 1.0
    term, below = 1.0, 0.0  # term = A^k/k!
    for k in range(agents):
        below += term
        term *= load / (k + 1)
    top = term * agents / (agents - load)
    return top / (below + top)


def service_level(agents: int, load: float, answer_seconds: float, handle_seconds: float) -> float:
    """The share answered within ``answer_seconds``: 1 − C·e^(−(N−A)·T/AHT)."""
    if load <= 0:
        return 1.0
    if agents <= load:
        return 0.0
    chance = waiting_probability(agents, load)
    return 1.0 - chance * math.exp(-(agents - load) * answer_seconds / handle_seconds)


@dataclass(frozen=True)
class Staffing:
    load: float
    agents: int  # on the phones at once
    scheduled: int  # with shrinkage (breaks, training, absence)
    service_level: float
    occupancy: float


def agents_needed(
    contacts_per_hour: float,
    handle_seconds: float,
    *,
    target: float = 0.8,
    answer_seconds: float = 20,
    shrinkage: float = 0.3,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The smallest N > A meeting the service-level target (and the occupancy cap A/N), then
    scheduled = ⌈N/(1 − shrinkage)⌉."""
    load = offered_load(contacts_per_hour, handle_seconds)
    if load <= 0:
        return Staffing(0.0, 0, 0, 1.0, 0.0)
    agents = max(1, math.floor(load) + 1)
    while agents < MAX_AGENTS:
        level = service_level(agents, load, answer_seconds, handle_seconds)
        if level >= target and load / agents <= max_occupancy:
            break
        agents += 1
    scheduled = math.ceil(round(agents / (1 - shrinkage), 9))
    return Staffing(load, agents, scheduled, level, load / agents)
