"""Who did something: a staff user, a customer, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass

from soridam.accounts.models import User
from soridam.audit.models import ActorKind
from soridam.customers.models import Customer


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    customer: Customer | None = None
    system: str = ""

    @property
    def kind(self) -> ActorKind:
        if self.user is not None:
            return ActorKind.USER
        if self.customer is not None:
            return ActorKind.CUSTOMER
        return ActorKind.SYSTEM

    def label(self) -> str:
        if self.user is not None:
            return f"user:{self.user.pk}"
        if self.customer is not None:
            return f"customer:{self.customer.pk}"
        return f"system:{self.system or 'system'}"

    def display(self) -> str:
        if self.user is not None:
            return self.user.label()
        if self.customer is not None:
            return self.customer.name
        return self.system or "system"


SYSTEM = Actor(system="system")


def as_actor(who: User | Customer | Actor | None) -> Actor:
    if isinstance(who, Actor):
        return who
    if isinstance(who, User):
        return Actor(user=who)
    if isinstance(who, Customer):
        return Actor(customer=who)
    return SYSTEM
