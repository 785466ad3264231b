"""The demo organizations: seed them once (one transaction, bulk inserts), and reset the demo
database.

株式会社みらい製作所 (slug ``demo``) gets a department tree, three sites, about 1,500 people
with Japanese names and readings, titles, roles and the public sign-in accounts; 株式会社アザー商事
(slug ``other``) is a ten-person company that shows tenant isolation.

Roles: heads of units (本部長, 部長, 課長, 室長) are managers; 本部長 and 取締役 are executive
viewers; about 30 % of employees opted in as advocates; a few people in 広報, 採用, 営業企画 curate
and a few in 法務 and コンプライアンス review. Everyone else holds no role: a valid employee who has
not opted in, who could sign in (if they had a password) and would see only the home page. Only the
sign-in accounts have usable passwords; the others have unusable ones.
"""

from __future__ import annotations

import random
import time
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connections, transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Department, Location, Membership, Organization, RoleGrant, User
from ouendan.accounts.permissions import system_actor
from ouendan.accounts.roles import Role
from ouendan.core.errors import DomainError
from ouendan.demo.data import organization as data
from ouendan.demo.data.names import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES
from ouendan.demo.romaji import katakana_to_romaji

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
SEED_ACTOR_LABEL = "デモデータ (demo_seed)"

# Staff ranks inside a team: (title, share of the team, earliest and latest year of hire).
_OFFICE_RANKS = (("係長", 0.08, 1996, 2010), ("主任", 0.2, 2005, 2017))
_FLOOR_RANKS = (("班長", 0.08, 1994, 2010), ("主任", 0.12, 2004, 2016))
_STAFF_YEARS = (2008, 2025)
_HEAD_YEARS = {
    "取締役": (1986, 1992),
    "本部長": (1987, 1994),
    "部長": (1990, 2000),
    "課長": (1995, 2008),
    "室長": (1996, 2009),
}
# Staff in these units curate content or review it, by title ("" means every member).
_CURATORS = {"PR02": {""}, "HR02": {"主任"}, "SL51": {"主任"}}
_REVIEWERS = {"LG01": {"主任", "係長"}, "LG03": {"主任", "係長"}, "PR": {"部長"}}


@dataclass
class _Person:
    surname: tuple[str, str]
    given: tuple[str, str]
    unit: str
    location: str
    title: str
    hired: datetime
    roles: set[Role] = field(default_factory=set)
    sign_in: str = ""  # the e-mail of a public sign-in account, else ""

    @property
    def full_name(self) -> str:
        return f"{self.surname[0]} {self.given[0]}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.surname[1]} {self.given[1]}"


@dataclass(frozen=True)
class SeedResult:
    organization: Organization
    created: bool
    people: int = 0
    advocates: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time: what the seed costs, whatever else runs


def _ensure_demo_mode() -> None:
    if not (settings.DEMO or settings.TESTING):
        raise DomainError(
            _("The demo data is only created in demo mode (OUENDAN_DEMO=1)."), code="not_demo"
        )


class _Roster:
    """Generates the people of one company, deterministically from a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people: list[_Person] = []
        self._surname_weights = [1 / (rank + 8) for rank in range(len(SURNAMES))]

    def _hired(self, first: int, last: int) -> datetime:
        year = self.rng.randint(first, last)
        if self.rng.random() < 0.75:  # most join with the April intake of new graduates
            return datetime(year, 4, 1, 9, 0, tzinfo=TOKYO)
        day = datetime(year, 1, 1, 9, 0, tzinfo=TOKYO) + timedelta(days=self.rng.randrange(365))
        return day

    def _name(self, male: bool, hired: datetime) -> tuple[tuple[str, str], tuple[str, str]]:
        surname = self.rng.choices(SURNAMES, weights=self._surname_weights)[0]
        names = MALE_GIVEN_NAMES if male else FEMALE_GIVEN_NAMES
        # Given names follow fashion: a person's generation picks from its part of the list.
        born = hired.year - self.rng.choice((22, 22, 22, 24, 26, 30))
        share = min(max((born - 1962) / (2003 - 1962), 0.0), 1.0)
        index = round(self.rng.gauss(share * (len(names) - 1), len(names) * 0.12))
        return surname, names[min(max(index, 0), len(names) - 1)]

    def _location(self, unit: data.Unit) -> str:
        codes = list(unit.locations)
        return self.rng.choices(codes, weights=[unit.locations[c] for c in codes])[0]

    def _add(self, unit: data.Unit, title: str, hired: datetime, *, head: bool) -> None:
        surname, given = self._name(self.rng.random() < unit.male_share, hired)
        roles: set[Role] = set()
        if head and title in data.MANAGER_TITLES:
            roles.add(Role.MANAGER)
        if head and title in data.EXECUTIVE_TITLES:
            roles.add(Role.EXECUTIVE_VIEWER)
        if self.rng.random() < unit.advocate_share:
            roles.add(Role.ADVOCATE)
        if {"", title} & _CURATORS.get(unit.code, set()):
            roles.add(Role.CURATOR)
        if title in _REVIEWERS.get(unit.code, set()):
            roles.add(Role.REVIEWER)
        location = self._location(unit)
        self.people.append(_Person(surname, given, unit.code, location, title, hired, roles))

    def add_units(self, units: Iterable[data.Unit]) -> None:
        for unit in units:
            self._add(unit, unit.head, self._hired(*_HEAD_YEARS[unit.head]), head=True)
            floor = unit.code.startswith("MF0")
            remaining = unit.staff
            for title, share, first, last in _FLOOR_RANKS if floor else _OFFICE_RANKS:
                count = round(unit.staff * share)
                for _i in range(count):
                    self._add(unit, title, self._hired(first, last), head=False)
                remaining -= count
            for _i in range(remaining):
                self._add(unit, "担当", self._hired(*_STAFF_YEARS), head=False)
            self.add_units(unit.children)

    def place_sign_ins(self, sign_ins: Iterable[data.SignIn]) -> None:
        """Each public account takes the place of the first generated person in its seat."""
        for account in sign_ins:
            person = next(
                p
                for p in self.people
                if p.unit == account.department and p.title == account.title and not p.sign_in
            )
            person.surname, person.given = account.surname, account.given
            person.roles = set(account.roles)
            person.sign_in = account.email


def _walk(units: Iterable[data.Unit], depth: int = 0) -> Iterator[tuple[int, data.Unit, str]]:
    for unit in units:
        yield depth, unit, ""
        for child_depth, child, parent in _walk(unit.children, depth + 1):
            yield child_depth, child, parent or unit.code


def _create_departments(org: Organization, units: Iterable[data.Unit]) -> dict[str, Department]:
    """Bulk-insert the tree level by level, so each level knows its parents' ids."""
    by_code: dict[str, Department] = {}
    levels: dict[int, list[tuple[data.Unit, str]]] = {}
    for depth, unit, parent in _walk(units):
        levels.setdefault(depth, []).append((unit, parent))
    for depth in sorted(levels):
        rows = [
            Department(
                organization=org,
                parent=by_code[parent] if parent else None,
                name=unit.name,
                code=unit.code,
            )
            for unit, parent in levels[depth]
        ]
        for row in Department.objects.bulk_create(rows):
            by_code[row.code] = row
    return by_code


def _email(person: _Person, number: str, domain: str) -> str:
    if person.sign_in:
        return person.sign_in
    given = katakana_to_romaji(person.given[1])[:1] or "x"
    return f"{given}.{katakana_to_romaji(person.surname[1])}{number[-4:]}@{domain}"


def _seed_company(
    *,
    slug: str,
    name: str,
    domain: str,
    units: tuple[data.Unit, ...],
    locations: tuple[tuple[str, str], ...],
    sign_ins: tuple[data.SignIn, ...],
    seed: int,
    numbers: range,
    password_hash: str,
) -> SeedResult:
    started, cpu_started = time.perf_counter(), time.process_time()
    roster = _Roster(seed)
    roster.add_units(units)
    roster.place_sign_ins(sign_ins)
    people = roster.people
    employee_numbers = [str(n) for n in roster.rng.sample(numbers, len(people))]

    org = Organization.objects.create(
        name=name, slug=slug, locale="ja", time_zone="Asia/Tokyo", is_demo=True
    )
    actor = system_actor(org, label=SEED_ACTOR_LABEL)
    audit_record(
        actor=actor,
        action="organization.created",
        target=org,
        data={"name": name, "slug": slug, "locale": "ja", "time_zone": "Asia/Tokyo"},
    )
    sites = {
        site.code: site
        for site in Location.objects.bulk_create(
            Location(organization=org, name=site_name, code=code) for code, site_name in locations
        )
    }
    for site in sites.values():
        audit_record(actor=actor, action="location.created", target=site)
    departments = _create_departments(org, units)
    audit_record(
        actor=actor,
        action="departments.imported",
        data={"count": len(departments), "top_level": [unit.name for unit in units]},
    )

    emails = [_email(p, n, domain) for p, n in zip(people, employee_numbers, strict=True)]
    existing = {u.email: u for u in User.objects.filter(email__in=emails)}
    new_users = [
        User(
            email=email,
            password=password_hash if person.sign_in else make_password(None),
            is_demo=bool(person.sign_in),
            language="ja",
        )
        for person, email in zip(people, emails, strict=True)
        if email not in existing
    ]
    created_users = {u.email: u for u in User.objects.bulk_create(new_users, batch_size=500)}
    for person, email in zip(people, emails, strict=True):
        if person.sign_in and email in existing:  # an account left behind by an earlier demo
            User.objects.filter(pk=existing[email].pk).update(
                password=password_hash, is_demo=True, is_active=True
            )
    users = existing | created_users

    memberships = Membership.objects.bulk_create(
        (
            Membership(
                organization=org,
                user=users[email],
                full_name=person.full_name,
                full_name_kana=person.full_name_kana,
                employee_number=number,
                department=departments[person.unit],
                location=sites[person.location],
                title=person.title,
                joined_at=person.hired,
            )
            for person, email, number in zip(people, emails, employee_numbers, strict=True)
        ),
        batch_size=500,
    )
    RoleGrant.objects.bulk_create(
        (
            RoleGrant(membership=membership, role=role)
            for person, membership in zip(people, memberships, strict=True)
            for role in sorted(person.roles)
        ),
        batch_size=1000,
    )
    role_counts = Counter(role.value for person in people for role in person.roles)
    audit_record(
        actor=actor,
        action="people.imported",
        data={
            "count": len(people),
            "roles": dict(sorted(role_counts.items())),
            "without_role": sum(1 for p in people if not p.roles),
        },
    )
    for person, membership in zip(people, memberships, strict=True):
        if person.sign_in:
            audit_record(
                actor=actor,
                action="person.created",
                target=membership,
                data={"email": person.sign_in, "roles": sorted(person.roles)},
            )
    if slug == data.DEMO_SLUG:
        from ouendan.demo.analytics import (
            demo_analytics_seed,
            demo_program_settings,
            demo_rollups_build,
        )
        from ouendan.demo.content import demo_content_seed
        from ouendan.demo.engagement import demo_engagement_seed
        from ouendan.demo.engagement_contests import demo_contests_seed
        from ouendan.demo.sharing import demo_sharing_seed

        demo_content_seed(org)
        demo_sharing_seed(org)
        demo_analytics_seed(org)  # the shares' clicks and conversions
        demo_engagement_seed(org)  # the awarding job over all of it: points, streaks, badges
        demo_rollups_build(org)  # last: the dashboards' rollups from every raw event above
        demo_program_settings(org)  # ROI assumptions and KPI goals (baselines from the rollups)
        demo_contests_seed(org)  # contests (standings from those rollups), rewards, shout-outs
    return SeedResult(
        organization=org,
        created=True,
        people=len(people),
        advocates=role_counts[Role.ADVOCATE.value],
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu_started,
    )


def demo_seed() -> list[SeedResult]:
    """Create both demo companies unless they exist; existing data is kept as it is."""
    _ensure_demo_mode()
    results: list[SeedResult] = []
    password_hash = ""  # Argon2 is slow on purpose: hash the shared password once, reuse it
    companies = (
        (data.DEMO_SLUG, data.DEMO_NAME, "demo.example", data.DEPARTMENTS, data.LOCATIONS,
         data.SIGN_INS, data.RANDOM_SEED, range(100001, 110000)),
        (data.OTHER_SLUG, data.OTHER_NAME, "other.example", data.OTHER_DEPARTMENTS,
         data.OTHER_LOCATIONS, data.OTHER_SIGN_INS, data.RANDOM_SEED + 1, range(1001, 2000)),
    )  # fmt: skip
    for slug, name, domain, units, locations, sign_ins, seed, numbers in companies:
        existing = Organization.objects.filter(slug=slug).first()
        if existing is not None:
            results.append(SeedResult(organization=existing, created=False))
            continue
        password_hash = password_hash or make_password(data.DEMO_PASSWORD)
        with transaction.atomic():
            results.append(
                _seed_company(
                    slug=slug,
                    name=name,
                    domain=domain,
                    units=units,
                    locations=locations,
                    sign_ins=sign_ins,
                    seed=seed,
                    numbers=numbers,
                    password_hash=password_hash,
                )
            )
    return results


@dataclass(frozen=True)
class SignInRow:
    email: str
    roles: list[str]
    full_name: str
    department: str
    organization: str


def demo_sign_ins() -> list[SignInRow]:
    """The public sign-in accounts that exist, in the documented order."""
    wanted = [a.email for a in (*data.SIGN_INS, *data.OTHER_SIGN_INS)]
    memberships = {
        m.user.email: m
        for m in Membership.objects.filter(
            user__email__in=wanted, organization__slug__in=[data.DEMO_SLUG, data.OTHER_SLUG]
        )
        .select_related("user", "organization", "department__parent__parent")
        .prefetch_related("role_grants")
    }
    rows = []
    for email in wanted:
        membership = memberships.get(email)
        if membership is None:
            continue
        path: list[str] = []
        dept = membership.department
        while dept is not None:
            path.insert(0, dept.name)
            dept = dept.parent
        rows.append(
            SignInRow(
                email=email,
                roles=[str(Role(g.role).label) for g in membership.role_grants.all()],
                full_name=membership.full_name,
                department=" / ".join(path),
                organization=membership.organization.name,
            )
        )
    return rows


def demo_database_reset(*, force: bool = False) -> list[Path]:
    """Delete the SQLite database files of the demo, so the next ``make demo`` starts afresh.

    Refuses anything but an SQLite file under ``var/`` unless ``force``; never touches another
    database engine.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise DomainError(
            _("DATABASE_URL is not SQLite: drop that database yourself; nothing was deleted."),
            code="not_sqlite",
        )
    path = Path(str(database["NAME"])).resolve()
    var_dir = Path(settings.VAR_DIR).resolve()
    if not path.is_relative_to(var_dir) and not force:
        raise DomainError(
            _("%(path)s is not under %(var)s: refusing to delete it without --force.")
            % {"path": path, "var": var_dir},
            code="outside_var",
        )
    connections.close_all()
    deleted = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()
            deleted.append(candidate)
    return deleted
