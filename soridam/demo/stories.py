"""One demo case told as a story: the beats a real case goes through, each one an actions-layer call.

A story is planned first (which beats, how far apart), so all stories can be told in the order their
cases were opened; then ``tell`` runs the beats, marking each beat's story time for the backdating.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Category, Priority, Status
from soridam.cases.stages import STAGE_ORDER, Stage
from soridam.customers.actions import Contact
from soridam.demo import writing
from soridam.demo.backdating import Backdating
from soridam.followup.answers import answer_survey
from soridam.followup.surveys import survey_token

CHANNEL_WEIGHTS = {
    "web": 30,
    "email": 22,
    "kakao": 14,
    "chat": 9,
    "phone": 7,
    "navertalk": 5,
    "sms": 4,
    "line": 3,
    "telegram": 3,
    "instagram": 3,
    "whatsapp": 2,
    "messenger": 2,
    "api": 3,
}
CATEGORY_WEIGHTS = {
    "delivery": 28,
    "refund_return": 18,
    "payment": 14,
    "product": 18,
    "service": 8,
    "account": 9,
    "other": 5,
}
PRIORITY_WEIGHTS: dict[str, int] = {Priority.LOW: 15, Priority.NORMAL: 55, Priority.HIGH: 22, Priority.URGENT: 8}
# Where stories end: (stage, final status, weight). "reopened" closes and then reopens on a new message.
ENDINGS = (
    (Stage.INTAKE, "open", 14),
    (Stage.CLASSIFICATION, "open", 12),
    (Stage.INVESTIGATION, "open", 14),
    (Stage.INVESTIGATION, "waiting", 10),
    (Stage.RESOLUTION, "open", 10),
    (Stage.RESOLUTION, "waiting", 8),
    (Stage.NOTIFICATION, "open", 3),
    (Stage.NOTIFICATION, "solved", 8),
    (Stage.FOLLOW_UP, "closed", 12),
    (Stage.FOLLOW_UP, "solved", 4),
    (Stage.FOLLOW_UP, "reopened", 2),
    (Stage.INTAKE, "spam", 3),
)
RATING_WEIGHTS = {5: 45, 4: 30, 3: 12, 2: 8, 1: 5}


@dataclass
class Cast:
    """Who takes part: categories by slug, each team's agents, and the admin."""

    categories: dict[str, Category]
    agents_by_team: dict[int, list[User]]
    admin: User


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


Beat = tuple[timedelta, Callable[[], None]]
T = TypeVar("T")


def known(value: T | None) -> T:
    if value is None:
        raise RuntimeError("the story has not been planned or opened yet")
    return value


def _filed_as(rng: random.Random, category: str) -> str | None:
    """The category the customer picked: mostly right, sometimes empty or wrong (fixed at classification)."""
    roll = rng.random()
    if roll < 0.06:
        return None
    if roll < 0.11:
        return pick(rng, CATEGORY_WEIGHTS)
    return category


@dataclass
class Story:
    rng: random.Random
    cast: Cast
    contact: Contact
    stage: Stage
    ending: str
    category: str
    filed_as: str | None
    channel: str
    beats: list[Beat] = field(default_factory=list)
    opened_at: datetime | None = None
    slots: writing.Slots | None = None
    issue: writing.Issue | None = None
    case: Case | None = None
    agent: User | None = None

    @classmethod
    def plan(cls, rng: random.Random, cast: Cast, contact: Contact, now: datetime) -> Story:
        stage, ending, _weight = rng.choices(ENDINGS, weights=[weight for *_rest, weight in ENDINGS])[0]
        category = pick(rng, CATEGORY_WEIGHTS)
        story = cls(rng, cast, contact, stage, ending, category, _filed_as(rng, category), pick(rng, CHANNEL_WEIGHTS))
        story._plan_beats(now)
        return story

    @property
    def reaches(self) -> int:
        return STAGE_ORDER.index(self.stage)

    def _plan_beats(self, now: datetime) -> None:
        still_active = self.ending in ("open", "waiting")
        age = minutes(self.rng, 5, 60 * 36) if still_active else minutes(self.rng, 60, 60 * 24 * 40)
        if self.stage != Stage.INTAKE:
            age += minutes(self.rng, 0, 60 * 24 * 3)
        self._open()
        if self.ending == "spam":
            self._beat(minutes(self.rng, 10, 120), self._mark_spam)
        else:
            self._work()
        self.opened_at = now - age - sum((gap for gap, _run in self.beats), timedelta())
        self.slots = writing.slots_for(self.rng, self.contact.language, self.contact.name, self.opened_at)
        self.issue = writing.pick_issue(self.rng, self.contact.language, self.category)

    def _beat(self, gap: timedelta, run: Callable[[], None]) -> None:
        self.beats.append((gap, run))

    def _work(self) -> None:
        rng = self.rng
        if rng.random() < 0.2:
            self._beat(minutes(rng, 30, 60 * 8), lambda: self._customer_writes("ADDENDA"))
        if self.reaches >= 1:
            self._classify()
        if self.reaches >= 2:
            self._investigate()
        if self.reaches >= 3:
            self._resolve()
        if self.reaches >= 4:
            self._notify()
        if self.reaches >= 5:
            self._follow_up()

    def _classify(self) -> None:
        rng = self.rng
        if self.filed_as != self.category:
            self._beat(minutes(rng, 5, 90), self._recategorise)
        self._beat(minutes(rng, 5, 120), self._assign)
        if rng.random() < 0.15:
            self._beat(minutes(rng, 1, 30), self._escalate)
            self._beat(minutes(rng, 0.2, 3), lambda: self._note("ESCALATION_NOTES"))
        self._beat(minutes(rng, 1, 20), lambda: self._move(Stage.CLASSIFICATION))

    def _investigate(self) -> None:
        rng = self.rng
        self._beat(minutes(rng, 10, 180), lambda: self._move(Stage.INVESTIGATION))
        self._beat(minutes(rng, 2, 60), lambda: self._agent_replies("ACKNOWLEDGEMENTS"))
        if (self.stage, self.ending) == (Stage.INVESTIGATION, "waiting"):
            self._beat(minutes(rng, 1, 5), lambda: self._set_status(Status.WAITING))
            return
        if rng.random() < 0.5:
            self._beat(minutes(rng, 1, 5), lambda: self._set_status(Status.WAITING))
        elif rng.random() < 0.3:
            self._beat(minutes(rng, 60, 60 * 20), lambda: self._customer_writes("NUDGES"))
        self._beat(minutes(rng, 60, 60 * 20), lambda: self._customer_writes("ANSWERS"))
        self._beat(minutes(rng, 30, 240), self._note_finding)

    def _resolve(self) -> None:
        rng = self.rng
        self._beat(minutes(rng, 30, 60 * 24), lambda: self._move(Stage.RESOLUTION))
        if rng.random() < 0.06:
            self._beat(minutes(rng, 60, 60 * 6), self._move_back)
            self._beat(minutes(rng, 60, 60 * 12), lambda: self._move(Stage.RESOLUTION))
        self._beat(minutes(rng, 5, 120), self._reply_fix)
        if (self.stage, self.ending) == (Stage.RESOLUTION, "waiting"):
            self._beat(minutes(rng, 1, 5), lambda: self._set_status(Status.WAITING))

    def _notify(self) -> None:
        rng = self.rng
        self._beat(minutes(rng, 60, 60 * 48), lambda: self._move(Stage.NOTIFICATION))
        self._beat(minutes(rng, 1, 30), lambda: self._agent_replies("DONE"))
        if self.ending != "open":
            self._beat(minutes(rng, 1, 10), lambda: self._set_status(Status.SOLVED))

    def _follow_up(self) -> None:
        rng = self.rng
        self._beat(minutes(rng, 60 * 24, 60 * 72), lambda: self._move(Stage.FOLLOW_UP))
        if self.ending == "solved":
            return
        self._beat(minutes(rng, 1, 30), lambda: self._set_status(Status.CLOSED))
        if self.ending == "reopened":
            self._beat(minutes(rng, 60 * 5, 60 * 48), lambda: self._customer_writes("REOPENS"))
        elif rng.random() < 0.7:
            self._beat(minutes(rng, 30, 60 * 72), self._answer_survey)

    def tell(self, backdating: Backdating) -> Case:
        """Run the beats through the actions layer, marking each beat's story time first."""
        when = known(self.opened_at)
        for gap, run in self.beats:
            when += gap
            backdating.mark(when)
            run()
        return self._the_case()

    # The beats. Each case was created in the caller's transaction, so holding its row lock is implied.

    def _open(self) -> None:
        self._beat(timedelta(), self._open_case)

    def _open_case(self) -> None:
        if self.ending == "spam":
            subject, body = writing.spam(self.rng, self.contact.language)
        else:
            subject, body = writing.complaint(self.rng, self._slots(), self._issue())
        has_order = self.category not in ("account", "other") and self.rng.random() < 0.6
        new = actions.NewCase(
            subject=subject,
            body=body,
            contact=self.contact,
            channel=self.channel,
            category=self.cast.categories[self.filed_as] if self.filed_as else None,
            priority=pick(self.rng, PRIORITY_WEIGHTS),
            order_number=self._slots().order if has_order else "",
        )
        self.case = actions.open_case(new)

    def _issue(self) -> writing.Issue:
        return known(self.issue)

    def _slots(self) -> writing.Slots:
        return known(self.slots)

    def _the_case(self) -> Case:
        return known(self.case)

    def _staff(self) -> User:
        """The case's agent, or a lead or admin when nobody is assigned yet."""
        if self.agent is not None:
            return self.agent
        team_id = self._the_case().team_id
        agents = self.cast.agents_by_team.get(team_id or 0, [])
        return agents[0] if agents else self.cast.admin

    def _customer(self) -> Actor:
        return Actor(customer=self._the_case().customer)

    def _mark_spam(self) -> None:
        actions.change_status(self._the_case(), Status.SPAM, actor=Actor(user=self._staff()), reason="spam")

    def _recategorise(self) -> None:
        case = self._the_case()
        category = self.cast.categories[self.category]
        actor = Actor(user=self._staff())
        actions.change_category(case, category, actor=actor)
        if category.default_team is not None and case.team_id != category.default_team_id:
            actions.change_team(case, category.default_team, actor=actor)
        self._note("TRIAGE_NOTES")

    def _assign(self) -> None:
        case = self._the_case()
        agents = self.cast.agents_by_team.get(case.team_id or 0) or [self.cast.admin]
        lead = self._staff()
        self.agent = self.rng.choice(agents)
        actions.assign(case, self.agent, actor=Actor(user=lead))

    def _escalate(self) -> None:
        case = self._the_case()
        to = Priority.URGENT if case.priority == Priority.HIGH else Priority.HIGH
        actions.change_priority(case, to, actor=Actor(user=self._staff()))

    def _move(self, stage: Stage, reason: str = "") -> None:
        actions.change_stage(self._the_case(), stage, actor=Actor(user=self._staff()), reason=reason)

    def _move_back(self) -> None:
        self._move(Stage.INVESTIGATION, reason=writing.line(self.rng, self._slots(), "BACK_REASONS"))

    def _set_status(self, status: str) -> None:
        actions.change_status(self._the_case(), status, actor=Actor(user=self._staff()))

    def _customer_writes(self, pool: str) -> None:
        case = self._the_case()
        body = writing.line(self.rng, self._slots(), pool)
        actions.receive_customer_message(case, body, actor=self._customer(), channel=case.channel)

    def _agent_replies(self, pool: str) -> None:
        agent = self._staff()
        body = writing.line(self.rng, self._slots(), pool, agent=agent.label())
        actions.reply(self._the_case(), body, actor=Actor(user=agent))

    def _reply_fix(self) -> None:
        agent = self._staff()
        body = self._slots().fill(self._issue().fix, agent=agent.label())
        actions.reply(self._the_case(), body, actor=Actor(user=agent))

    def _note(self, pool: str) -> None:
        body = writing.line(self.rng, self._slots(), pool)
        actions.add_note(self._the_case(), body, actor=Actor(user=self._staff()))

    def _note_finding(self) -> None:
        body = self._slots().fill(self._issue().note)
        actions.add_note(self._the_case(), body, actor=Actor(user=self._staff()))

    def _answer_survey(self) -> None:
        rating = int(pick(self.rng, {str(rating): weight for rating, weight in RATING_WEIGHTS.items()}))
        comment = writing.survey_comment(self.rng, self.contact.language, rating)
        answer_survey(survey_token(self._the_case()), rating, comment)
