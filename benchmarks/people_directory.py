"""Does the people directory stay cheap at company size, and what does a 1,500-row CSV import cost?

Everything runs in this process on a throw-away SQLite database (demo mode, a temporary
``OUENDAN_VAR_DIR``), and every figure has its baseline measured in the same run:

1. The directory (``GET /accounts/people/``, signed in as an organization admin through Django's
   test client): the 1,492-person demo company (株式会社みらい製作所) against a 15-person company
   built here, for the first page, a surname search, a department with its sub-departments, the
   htmx fragment and the last page. Median milliseconds over interleaved rounds, the ratio, and
   the number of SQL queries of each request (they should not grow with the organization).
2. A CSV import of 1,500 people (UTF-8 with BOM, Japanese headers, departments written as paths)
   into a fresh organization that has the departments and locations: ``import_batch_create`` (the
   preview) and ``import_batch_apply``, against a plain ``bulk_create`` of the same users,
   memberships and role grants (the least work any import must do); then the same file previewed
   and applied again, when every row is unchanged.

    .venv/bin/python benchmarks/people_directory.py              # 15-35 s on 2 cores
    .venv/bin/python benchmarks/people_directory.py --rounds 10  # quicker
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PEOPLE = 1500  # rows of the CSV import
SMALL = 15  # people in the baseline organization of the directory


def setup_django() -> Path:
    var_dir = Path(tempfile.mkdtemp(prefix="ouendan-bench-"))
    for key in [k for k in os.environ if k.startswith(("OUENDAN_", "DATABASE_"))]:
        del os.environ[key]
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ouendan.settings",
        OUENDAN_DEMO="1",
        OUENDAN_TESTING="0",
        OUENDAN_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        LOG_LEVEL="WARNING",
        EMAIL_URL="locmem://",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return var_dir


# --- Organizations ------------------------------------------------------------------------------


def walk(units: Any, parents: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path of names from the root, unit) for every unit of a demo department tree."""
    for unit in units:
        path = (*parents, unit.name)
        yield path, unit
        yield from walk(unit.children, path)


def make_organization(slug: str, name: str, units: Any, locations: Any) -> tuple[Any, dict, dict]:
    """An organization with the demo's department tree and locations: (org, dept by path,
    location by code)."""
    from ouendan.accounts.models import Department, Location, Organization

    org = Organization.objects.create(name=name, slug=slug, locale="ja", time_zone="Asia/Tokyo")
    sites = {
        site.code: site
        for site in Location.objects.bulk_create(
            Location(organization=org, name=site_name, code=code) for code, site_name in locations
        )
    }
    departments: dict[tuple[str, ...], Any] = {}
    by_depth: dict[int, list[tuple[tuple[str, ...], Any]]] = {}
    for path, unit in walk(units):
        by_depth.setdefault(len(path), []).append((path, unit))
    for depth in sorted(by_depth):  # parents first, so children know their ids
        rows = [
            Department(organization=org, parent=departments.get(path[:-1]), name=path[-1])
            for path, _unit in by_depth[depth]
        ]
        created = Department.objects.bulk_create(rows)
        for (path, _unit), dept in zip(by_depth[depth], created, strict=True):
            departments[path] = dept
    return org, departments, sites


def make_admin(org: Any, email: str, full_name: str, kana: str) -> Any:
    from django.contrib.auth.hashers import make_password

    from ouendan.accounts.models import Membership, RoleGrant, User
    from ouendan.accounts.roles import Role

    user = User.objects.create(email=email, password=make_password(None), language="ja")
    admin = Membership.objects.create(
        organization=org, user=user, full_name=full_name, full_name_kana=kana, title="部長"
    )
    RoleGrant.objects.create(membership=admin, role=Role.ORG_ADMIN)
    RoleGrant.objects.create(membership=admin, role=Role.ADVOCATE)
    return admin


@dataclass
class Person:
    email: str
    number: str
    full_name: str
    kana: str
    path: tuple[str, ...]
    location: str  # code
    title: str
    roles: tuple[str, ...]


def roster(count: int, domain: str, units: Any, seed: int) -> list[Person]:
    """``count`` people spread over the units as the demo spreads them (heads and staff)."""
    from ouendan.demo.data.names import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES
    from ouendan.demo.romaji import katakana_to_romaji

    rng = random.Random(seed)
    weights = [1 / (rank + 8) for rank in range(len(SURNAMES))]
    seats: list[tuple[tuple[str, ...], Any, str]] = []
    for path, unit in walk(units):
        seats.append((path, unit, unit.head))
        seats += [(path, unit, "主任" if i % 5 == 0 else "担当") for i in range(unit.staff)]
    people = []
    for n in range(count):
        path, unit, title = seats[n % len(seats)]
        surname = rng.choices(SURNAMES, weights=weights)[0]
        given = rng.choice(MALE_GIVEN_NAMES if rng.random() < 0.55 else FEMALE_GIVEN_NAMES)
        codes = list(unit.locations)
        location = rng.choices(codes, weights=[unit.locations[c] for c in codes])[0]
        roles = ["advocate"] if rng.random() < 0.3 else []
        if title == unit.head:
            roles.append("manager")
        number = str(200001 + n)
        email = (
            f"{katakana_to_romaji(given[1])[:1] or 'x'}.{katakana_to_romaji(surname[1])}"
            f"{number[-4:]}@{domain}"
        )
        people.append(
            Person(
                email, number, f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}", path,
                location, title, tuple(roles or ["advocate"]),
            )
        )  # fmt: skip
    return people


def make_small_company() -> tuple[Any, Any]:
    """15 people in two departments and a sub-department, 佐藤 among them."""
    from ouendan.accounts.models import Membership, RoleGrant, User
    from ouendan.demo.data.organization import Unit

    units = (
        Unit("GA", "管理部", "部長", 4),
        Unit("SA", "営業部", "部長", 4, children=(Unit("S1", "営業一課", "課長", 4),)),
    )
    org, departments, sites = make_organization(
        "small", "株式会社スモール", units, (("TKY", "東京本社"),)
    )
    admin = make_admin(org, "admin@small.example", "佐藤 花子", "サトウ ハナコ")
    admin.department = departments[("管理部",)]
    admin.save(update_fields=["department"])
    people = roster(SMALL - 1, "small.example", units, seed=15)
    people[3].full_name, people[3].kana = "佐藤 一郎", "サトウ イチロウ"
    users = User.objects.bulk_create(User(email=p.email, language="ja") for p in people)
    members = Membership.objects.bulk_create(
        Membership(
            organization=org, user=user, full_name=p.full_name, full_name_kana=p.kana,
            employee_number=p.number, department=departments[p.path],
            location=sites[p.location], title=p.title,
        )
        for p, user in zip(people, users, strict=True)
    )  # fmt: skip
    RoleGrant.objects.bulk_create(
        RoleGrant(membership=m, role=r)
        for p, m in zip(people, members, strict=True)
        for r in p.roles
    )
    return org, admin


# --- 1. The directory ---------------------------------------------------------------------------


def signed_in(membership: Any) -> Any:
    from django.test import Client

    from ouendan.accounts.sessions import TWO_FACTOR_VERIFIED

    client = Client(headers={"Accept-Language": "ja"})
    client.force_login(membership.user)
    session = client.session
    session[TWO_FACTOR_VERIFIED] = True
    session.save()
    return client


def directory_cases(admin: Any) -> list[tuple[str, str, dict[str, str], int]]:
    """(label, URL, headers, matching people) for one organization."""
    from ouendan.accounts.models import Department
    from ouendan.accounts.permissions import actor_for_membership
    from ouendan.accounts.selectors import PeopleFilter, department_descendant_ids, people_list
    from ouendan.accounts.views.people import PAGE_SIZE

    actor = actor_for_membership(admin)
    # The top-level department with the most sub-departments: the widest "includes sub-departments".
    top = max(
        Department.objects.filter(organization=admin.organization, parent=None),
        key=lambda d: (len(department_descendant_ids(actor=actor, department_id=d.pk)), -d.pk),
    )
    everyone = people_list(actor=actor).count()
    last = max(1, -(-everyone // PAGE_SIZE))
    url = "/accounts/people/"
    return [
        ("first page", url, {}, everyone),
        (
            "search q=佐藤",
            url + "?q=佐藤",
            {},
            people_list(actor=actor, filters=PeopleFilter(query="佐藤")).count(),
        ),
        (
            f"department {top.name} + sub",
            f"{url}?department={top.pk}",
            {},
            people_list(actor=actor, filters=PeopleFilter(department_id=top.pk)).count(),
        ),
        ("htmx fragment", url, {"HX-Request": "true"}, everyone),
        (f"last page (p. {last})", f"{url}?page={last}", {}, everyone),
    ]


class Queries:
    """Counts and times the SQL statements run inside ``with`` (no limit, unlike Django's log)."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.kinds[sql.lstrip().split(None, 1)[0].upper()] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    def __enter__(self) -> Queries:
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)


def request(client: Any, url: str, headers: dict[str, str]) -> tuple[float, Queries, int]:
    """(seconds, its SQL, bytes) of one GET."""
    with Queries() as queries:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return seconds, queries, len(response.content)


def measure_directory(big: Any, small: Any, rounds: int, seconds: float) -> list[str]:
    from ouendan.accounts.views.people import PAGE_SIZE

    orgs = {
        "big": (signed_in(big), directory_cases(big)),
        "small": (signed_in(small), directory_cases(small)),
    }
    times: dict[tuple[str, int], list[float]] = {}
    sql: dict[tuple[str, int], list[float]] = {}
    queries: dict[tuple[str, int], set[int]] = {}
    size: dict[tuple[str, int], int] = {}
    for client, cases in orgs.values():  # warm-up: templates, translations, caches
        for _label, url, headers, _n in cases:
            for _i in range(2):
                request(client, url, headers)
    deadline = time.perf_counter() + seconds
    done = 0
    # Interleaved: each round asks every case of both organizations once, so load from elsewhere
    # on the machine falls on all of them alike.
    while done < rounds and time.perf_counter() < deadline:
        for which, (client, cases) in orgs.items():
            for i, (_label, url, headers, _n) in enumerate(cases):
                took, statements, length = request(client, url, headers)
                times.setdefault((which, i), []).append(took)
                sql.setdefault((which, i), []).append(statements.seconds)
                queries.setdefault((which, i), set()).add(statements.count)
                size[(which, i)] = length
        done += 1

    def ms(values: list[float]) -> float:
        return statistics.median(values) * 1000

    lines = [
        f"{'directory request':<30} {'1,492 ms':>8} {'15 ms':>6} {'ratio':>6} "
        f"{'SQL ms':>10} {'queries':>8} {'matches':>8} {'KB':>6}"
    ]
    for i, (label, _url, _headers, n_big) in enumerate(orgs["big"][1]):
        n_small = orgs["small"][1][i][3]
        big_ms, small_ms = ms(times[("big", i)]), ms(times[("small", i)])
        counts = "/".join(
            "~".join(str(c) for c in sorted(queries[(which, i)])) for which in ("big", "small")
        )
        sql_ms = f"{ms(sql[('big', i)]):.1f}/{ms(sql[('small', i)]):.1f}"
        kb = f"{size[('big', i)] // 1024}/{size[('small', i)] // 1024}"
        lines.append(
            f"{label:<30} {big_ms:>8.1f} {small_ms:>6.1f} {big_ms / small_ms:>5.2f}× "
            f"{sql_ms:>10} {counts:>8} {f'{n_big}/{n_small}':>8} {kb:>6}"
        )
    # The fragment is the table alone: what the 1,492-person organization adds, per row shown.
    i = next(i for i, case in enumerate(orgs["big"][1]) if case[0] == "htmx fragment")
    shown = [min(PAGE_SIZE, orgs[which][1][i][3]) for which in ("big", "small")]
    extra = ms(times[("big", i)]) - ms(times[("small", i)])
    extra_sql = ms(sql[("big", i)]) - ms(sql[("small", i)])
    lines.append(
        f"htmx fragment: +{extra:.1f} ms for {shown[0]} rows shown instead of {shown[1]} "
        f"({extra / (shown[0] - shown[1]):.2f} ms per extra row), of which SQL +{extra_sql:.1f} ms"
    )
    lines.append(
        f"median of {done} interleaved rounds; ratio: 1,492-person ÷ 15-person organization; "
        "SQL ms, queries, matches and KB (response body): 1,492/15."
    )
    return lines


# --- 2. The CSV import --------------------------------------------------------------------------


def csv_bytes(people: list[Person]) -> bytes:
    from ouendan.accounts.services.imports import COLUMNS
    from ouendan.demo.data.organization import LOCATIONS

    site_names = dict(LOCATIONS)
    role_names = {"advocate": "アドボケイト", "manager": "マネージャー"}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.japanese for column in COLUMNS])  # メールアドレス, 社員番号…
    for p in people:
        writer.writerow(
            [
                p.email, p.number, p.full_name, p.kana, "/".join(p.path),
                site_names[p.location], p.title, ";".join(role_names[r] for r in p.roles),
                "ja", "在籍",
            ]
        )  # fmt: skip
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def timed(work: Callable[[], Any]) -> tuple[float, Queries, Any]:
    """(seconds, its SQL, result) of ``work``."""
    with Queries() as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    return seconds, queries, result


@dataclass
class AuditTimer:
    calls: int = 0
    seconds: float = 0.0
    queries: int = 0


@contextmanager
def audit_timer() -> Iterator[AuditTimer]:
    """Times the import's audit writes (``audit_record_many``, one call per kind of event), wrapped
    in place, nothing else changed."""
    from ouendan.accounts.services.imports import applying

    timer, original = AuditTimer(), applying.audit_record_many

    def timed_record(**kwargs: Any) -> Any:
        started = time.perf_counter()
        with Queries() as statements:
            try:
                return original(**kwargs)
            finally:
                timer.seconds += time.perf_counter() - started
                timer.calls += 1
                timer.queries += statements.count

    applying.audit_record_many = timed_record  # type: ignore[assignment]
    try:
        yield timer
    finally:
        applying.audit_record_many = original  # type: ignore[assignment]


def baseline_insert(index: int) -> tuple[float, int]:
    """A plain bulk_create of the same 1,500 users, memberships and role grants into a fresh
    organization (in one transaction, as the import writes): (seconds, queries)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from ouendan.accounts.models import Membership, RoleGrant, User
    from ouendan.demo.data.organization import DEPARTMENTS, LOCATIONS

    org, departments, sites = make_organization(
        f"baseline-{index}", f"ベースライン{index}", DEPARTMENTS, LOCATIONS
    )
    people = roster(PEOPLE, f"baseline{index}.example", DEPARTMENTS, seed=1500)

    def insert() -> None:
        with transaction.atomic():
            users = User.objects.bulk_create(
                (User(email=p.email, language="ja", password=make_password(None)) for p in people),
                batch_size=500,
            )
            members = Membership.objects.bulk_create(
                (
                    Membership(
                        organization=org, user=user, full_name=p.full_name, full_name_kana=p.kana,
                        employee_number=p.number, department=departments[p.path],
                        location=sites[p.location], title=p.title,
                    )
                    for p, user in zip(people, users, strict=True)
                ),
                batch_size=500,
            )  # fmt: skip
            RoleGrant.objects.bulk_create(
                (
                    RoleGrant(membership=m, role=r)
                    for p, m in zip(people, members, strict=True)
                    for r in p.roles
                ),
                batch_size=500,
            )

    seconds, count, _ = timed(insert)
    return seconds, count


def measure_import(repeats: int) -> list[str]:
    from ouendan.accounts.models import AuditEvent, Membership
    from ouendan.accounts.permissions import actor_for_membership
    from ouendan.accounts.services.imports import import_batch_apply, import_batch_create
    from ouendan.demo.data.organization import DEPARTMENTS, LOCATIONS

    org, _departments, _sites = make_organization(
        "imported", "株式会社インポート", DEPARTMENTS, LOCATIONS
    )
    admin = make_admin(org, "admin@imported.example", "管理 花子", "カンリ ハナコ")
    actor = actor_for_membership(admin)
    data = csv_bytes(roster(PEOPLE, "imported.example", DEPARTMENTS, seed=1500))

    def preview() -> Any:
        return import_batch_create(actor=actor, file=io.BytesIO(data), file_name="社員名簿.csv")

    # The baseline once before the import and the other times after it, in fresh organizations.
    base_runs = [baseline_insert(0)]
    results: dict[str, tuple[float, Queries]] = {}
    summaries: dict[str, dict[str, Any]] = {}
    audits: dict[str, tuple[int, float, int]] = {}
    for run in ("first", "again"):
        took, statements, batch = timed(preview)
        results[f"preview ({run})"] = (took, statements)
        if batch.errors:
            raise RuntimeError(f"the file has problems: {batch.errors[:3]}")
        with audit_timer() as audit:
            took, statements, batch = timed(
                lambda b=batch: import_batch_apply(actor=actor, batch_id=b.pk)
            )
        results[f"apply ({run})"] = (took, statements)
        audits[run] = (audit.calls, audit.seconds, audit.queries)
        summaries[run] = batch.summary
    imported = Membership.objects.filter(organization=org).count() - 1
    if imported != PEOPLE or summaries["again"]["unchanged"] != PEOPLE:
        raise RuntimeError(f"expected {PEOPLE} people, then all unchanged: {summaries}")
    events = Counter(AuditEvent.objects.filter(organization=org).values_list("action", flat=True))
    base_runs += [baseline_insert(i) for i in range(1, repeats)]
    base = statistics.median(s for s, _q in base_runs)
    first_apply = results["apply (first)"][0]

    lines = [
        f"{f'CSV import, {PEOPLE:,} rows':<30} {'seconds':>8} {'× bulk':>7} {'× 1st apply':>11} "
        f"{'ms/row':>7} {'SQL s':>6} {'queries':>8}"
    ]
    rows = [("bulk_create (baseline)", base, base_runs[0][1])]
    rows += [(label, took, statements) for label, (took, statements) in results.items()]
    for label, took, statements in rows:
        versus = f"{took / first_apply:>10.2f}×" if label.startswith("apply") else ""
        lines.append(
            f"{label:<30} {took:>8.2f} {took / base:>6.1f}× {versus:>11} "
            f"{took * 1000 / PEOPLE:>7.2f} {statements.seconds:>6.2f} {statements.count:>8}"
        )
    kinds = ", ".join(f"{kind} {n}" for kind, n in results["apply (first)"][1].kinds.most_common())
    calls, audit_seconds, audit_queries = audits["first"]
    lines += [
        f"statements of the first apply: {kinds}",
        f"of the first apply, audit writes (audit_record_many): {calls} calls, "
        f"{audit_seconds:.2f} s "
        f"({audit_seconds / first_apply:.0%} of it), {audit_queries} statements "
        f"({audit_queries / results['apply (first)'][1].count:.0%})",
        f"audit events: {', '.join(f'{action} {n}' for action, n in events.most_common())}",
        f"first file: create {summaries['first']['create']}; the same file again: unchanged "
        f"{summaries['again']['unchanged']}. Baseline: median of {len(base_runs)} fresh "
        f"organizations ({base_runs[0][1].count} statements). File: {len(data) / 1024:.0f} KB.",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="directory requests per case")
    parser.add_argument("--seconds", type=float, default=20, help="time limit of the directory")
    parser.add_argument("--baselines", type=int, default=3, help="bulk_create repetitions")
    args = parser.parse_args()

    started = time.perf_counter()
    var_dir = setup_django()
    try:
        return run(args, started)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args: argparse.Namespace, started: float) -> int:
    from django.db import connection

    from ouendan.accounts.models import Membership
    from ouendan.demo.data.organization import DEMO_SLUG, SIGN_INS
    from ouendan.demo.services import demo_seed

    seeded = time.perf_counter()
    demo_seed()
    seed_seconds = time.perf_counter() - seeded
    big = Membership.objects.select_related("user", "organization").get(
        organization__slug=DEMO_SLUG, user__email=SIGN_INS[0].email
    )
    small_org, small = make_small_company()
    size = Membership.objects.filter(organization=big.organization).count()
    print(
        f"demo organization: {size} people (demo_seed {seed_seconds:.1f} s); "
        f"baseline: {Membership.objects.filter(organization=small_org).count()} people\n"
    )
    for line in measure_directory(big, small, args.rounds, args.seconds):
        print(line)
    print()
    for line in measure_import(args.baselines):
        print(line)
    print(
        f"\nSQLite {connection.Database.sqlite_version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; total {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
