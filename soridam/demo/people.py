"""The demo's teams, staff and customers. Created once; existing rows are left as they are."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from django.contrib.auth.hashers import make_password

from soridam.accounts.models import Membership, Role, Team, User
from soridam.cases.models import Category
from soridam.customers.actions import Contact

# Public demo passwords: printed at start, and the demo is bound to 127.0.0.1.
ADMIN_PASSWORD = "soridam-admin"  # noqa: S105 - public demo password
AGENT_PASSWORD = "soridam-agent"  # noqa: S105 - public demo password


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    email_address: str
    categories: tuple[str, ...]


_PRODUCT_CATEGORIES = ("product", "service", "account", "other")
TEAMS = (
    TeamSpec("delivery", "배송팀 Delivery", "delivery@support.example.kr", ("delivery",)),
    TeamSpec("payments", "결제·환불팀 Payments & refunds", "payments@support.example.kr", ("payment", "refund_return")),
    TeamSpec("product", "상품·서비스팀 Product & service", "care@support.example.kr", _PRODUCT_CATEGORIES),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    display_name: str
    role: str
    team: str = ""
    language: str = "ko"

    @property
    def password(self) -> str:
        return ADMIN_PASSWORD if self.role == Role.ADMIN else AGENT_PASSWORD


STAFF = (
    StaffSpec("admin", "관리자 Admin", Role.ADMIN),
    StaffSpec("jihoon", "서지훈", Role.LEAD, "delivery"),
    StaffSpec("minji", "김민지", Role.AGENT, "delivery"),
    StaffSpec("emma", "Emma Wilson", Role.AGENT, "delivery", "en"),
    StaffSpec("seoyeon", "박서연", Role.LEAD, "payments"),
    StaffSpec("doyun", "이도윤", Role.AGENT, "payments"),
    StaffSpec("haeun", "최하은", Role.LEAD, "product"),
    StaffSpec("james", "James Park", Role.AGENT, "product", "en"),
)

_KO_SURNAMES = (
    ("김", "kim"),
    ("이", "lee"),
    ("박", "park"),
    ("최", "choi"),
    ("정", "jung"),
    ("강", "kang"),
    ("조", "cho"),
    ("윤", "yoon"),
    ("장", "jang"),
    ("한", "han"),
)
_KO_GIVEN = (
    ("민준", "minjun"),
    ("서연", "seoyeon"),
    ("도윤", "doyun"),
    ("하은", "haeun"),
    ("지호", "jiho"),
    ("수아", "sua"),
    ("예준", "yejun"),
    ("지우", "jiwoo"),
    ("시우", "siwoo"),
    ("서윤", "seoyun"),
    ("주원", "juwon"),
    ("하린", "harin"),
    ("건우", "gunwoo"),
    ("지민", "jimin"),
    ("현우", "hyunwoo"),
    ("채원", "chaewon"),
    ("우진", "woojin"),
    ("유나", "yuna"),
    ("승현", "seunghyun"),
    ("다은", "daeun"),
)
_EN_FIRST = ("Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Lucas", "Mia", "Daniel", "Chloe", "Ryan")
_EN_LAST = ("Smith", "Johnson", "Brown", "Taylor", "Miller", "Davis", "Clark", "Lewis", "Walker", "Young")


def korean_contacts(count: int) -> list[Contact]:
    """Distinct Korean customers; a stride coprime with the number of pairs never repeats one."""
    pairs = list(product(_KO_SURNAMES, _KO_GIVEN))
    contacts = []
    for index in range(count):
        (surname, surname_latin), (given, given_latin) = pairs[(index * 37) % len(pairs)]
        phone = f"010-{2000 + (index * 389) % 8000:04d}-{1000 + (index * 577) % 9000:04d}"
        email = f"{given_latin}.{surname_latin}@example.kr"
        contacts.append(Contact(name=surname + given, email=email, phone=phone, language="ko"))
    return contacts


def english_contacts(count: int) -> list[Contact]:
    pairs = list(product(_EN_FIRST, _EN_LAST))
    contacts = []
    for index in range(count):
        first, last = pairs[(index * 47) % len(pairs)]
        email = f"{first.lower()}.{last.lower()}@example.com"
        contacts.append(Contact(name=f"{first} {last}", email=email, language="en"))
    return contacts


def demo_contacts() -> list[Contact]:
    """The 60 demo customers: 40 writing in Korean, 20 in English."""
    return korean_contacts(40) + english_contacts(20)


def ensure_teams() -> dict[str, Team]:
    """The three demo teams, and each category's default team where none is set yet."""
    teams = {}
    for spec in TEAMS:
        team, _created = Team.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "email_address": spec.email_address}
        )
        Category.objects.filter(slug__in=spec.categories, default_team__isnull=True).update(default_team=team)
        teams[spec.slug] = team
    return teams


def ensure_staff(teams: dict[str, Team]) -> dict[str, User]:
    """The demo's admin and agents. An existing account of the same name is kept unchanged."""
    hashes = {password: make_password(password) for password in (ADMIN_PASSWORD, AGENT_PASSWORD)}
    staff = {}
    for spec in STAFF:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = _create_staff(spec, hashes[spec.password], teams)
        staff[spec.username] = user
    return staff


def _create_staff(spec: StaffSpec, password_hash: str, teams: dict[str, Team]) -> User:
    is_admin = spec.role == Role.ADMIN
    user = User(
        username=spec.username,
        display_name=spec.display_name,
        email=f"{spec.username}@support.example.kr",
        role=spec.role,
        language=spec.language,
        is_staff=is_admin,
        is_superuser=is_admin,
        password=password_hash,
    )
    user.save()
    if spec.team:
        Membership.objects.create(user=user, team=teams[spec.team], is_lead=spec.role == Role.LEAD)
    return user
