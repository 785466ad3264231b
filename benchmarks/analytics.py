"""Do the program's figures stay under 300 ms over a quarter of a large company's events?

Loads, into a throw-away PostgreSQL database (``ouendan_bench_<pid>``, created and dropped here;
no other database is touched), one organization with ``--people`` people (100,000 in ~200
departments in a tree, 40 % of them advocates, more in some divisions than others; a third of
the advocates never share, the others very unevenly),
``--content`` content items (10,000, a third in campaigns), ``--shares`` shares (by default one
per 20 clicks: 500,000 over the quarter, with the sharers' follower counts in ``Share.reach`` and
reactions on some), one tracked link per share, ``--clicks`` clicks (10,000,000 over ``--days``
days, with a weekly and daily rhythm, crawlers and link previews, self-clicks and unique visits,
all folded by tracking) and ``--conversions`` conversions (0.3 % of the clicks). Rows are
written with COPY and ``INSERT … SELECT generate_series(…)``, never the ORM row by row; each step
prints its time.

Then:

1. the rollups, built with the worker's code: ``rollups_rebuild`` (timed, with where its time
   went by kind of statement, and the plan of the costliest kind's slowest statement), the
   worker's first run after it (``rollups_build()``), and its steady state: 10,000 more clicks
   today, then ``rollups_build()`` again;
2. signed in as the program manager through Django's test client, in interleaved rounds (p50 and
   p95): ``GET /api/v1/analytics/summary`` for the default 30 days, for 90 days and for one
   division with its departments (``?department=``), and the overview page ``/analytics/``,
   with two KPI goals on it: right after the worker changed the rollups and prepared the
   organization's default overview (``overview_prepare``), then again (its figures kept until
   the next change, ``analytics.cache``), and for the division after a change (its figures
   computed in the request); shown beside them, outside the target, the overview after a change
   not prepared yet, the preparation itself, and the ranking pages with the most rows
   (content, advocates);
3. the baseline: the same figures computed by SQL straight over the raw tables (shares, clicks
   joined to their links, conversions, reactions, memberships for the department) for the same
   periods, in the same rounds (every few rounds: they are slow). Their figures must equal the
   API's; the ratio raw ÷ rollups is printed.

Target: p95 under 300 ms on the 2-core machine. A case that misses it gets its costliest SQL
statements printed, and the plan of its slowest (``EXPLAIN (ANALYZE, BUFFERS)``). The exit code
is 1 when a case misses the target or the figures differ from the raw events'.

    .venv/bin/python benchmarks/analytics.py                   # the full run: 10–25 minutes
    .venv/bin/python benchmarks/analytics.py --clicks 1000000  # a tenth: ~5 minutes
    .venv/bin/python benchmarks/analytics.py --keep            # then, after a change:
    .venv/bin/python benchmarks/analytics.py --reuse ouendan_bench_<pid> [--rollups]

Needs a PostgreSQL server on which the user may create databases (``--server``; by default
``postgres://postgres@127.0.0.1:5432/``, trust authentication). The database is dropped at the
end, on failure and on Ctrl-C too; ``--keep`` leaves it for a closer look and prints its name;
``--reuse`` migrates such a database and measures it again (``--rollups``: rebuilt first),
without loading. ``tests/analytics/test_benchmark_smoke.py`` runs the loader and the measurement
at a tiny scale.
"""

# SQL is built from the models' table names only; every value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as dt
import functools
import math
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
TARGET_MS = 300.0
TIME_ZONE = "Asia/Tokyo"
INCREMENT = 10_000  # clicks added today before the worker's incremental run

# The week and the day of a Japanese company's audience (their own time zone), as weights of at
# most 1: weekdays busy, weekends quieter; commute, lunch and the evening.
WEEKDAY = (1.0, 0.97, 0.95, 0.93, 0.85, 0.42, 0.38)  # Monday first
HOURS = (
    0.30, 0.18, 0.10, 0.07, 0.07, 0.12, 0.30, 0.60, 0.90, 0.80, 0.72, 0.80,
    1.00, 0.90, 0.72, 0.70, 0.72, 0.78, 0.88, 0.96, 1.00, 0.92, 0.75, 0.50,
)  # fmt: skip
# Divisions (本部): how many of their people are advocates, and how keen they are to share.
DIVISIONS = (
    ("管理本部", 0.30, 0.6),
    ("営業本部", 0.55, 1.6),
    ("技術本部", 0.40, 1.0),
    ("製造本部", 0.28, 0.5),
    ("品質保証本部", 0.35, 0.7),
    ("マーケティング本部", 0.60, 1.8),
    ("人事本部", 0.50, 1.4),
    ("事業開発本部", 0.45, 1.2),
)
# Networks: how many advocates use each, their median followers there, and the referrer a click
# from it usually carries.
NETWORKS = (
    ("x", 0.62, 220, "t.co"),
    ("linkedin", 0.48, 380, "www.linkedin.com"),
    ("facebook", 0.20, 180, "l.facebook.com"),
    ("instagram", 0.08, 300, "l.instagram.com"),
    ("threads", 0.05, 120, "l.threads.net"),
    ("bluesky", 0.03, 80, "bsky.app"),
    ("line", 0.06, 40, ""),
)
THEMES = (
    "新卒採用",
    "中途採用",
    "製品発表",
    "展示会",
    "技術ブログ",
    "導入事例",
    "ウェビナー",
    "CSR",
)
WORDS = (
    "新卒採用説明会", "協働ロボット", "名古屋工場", "品質保証", "展示会出展", "画像検査",
    "エンジニア座談会", "仕事体験", "導入事例", "ウェビナー", "地域清掃", "新製品",
)  # fmt: skip
# Conversion types, by share; the rest (5 %) are purchases, the only ones with a value.
CONVERSION_MIX = (("application", 0.40), ("lead", 0.30), ("inquiry", 0.15), ("sign_up", 0.10))


@dataclass(frozen=True)
class Scale:
    people: int = 100_000
    tree: tuple[int, int, int] = (8, 5, 4)  # divisions, departments in each, sections in each
    content: int = 10_000
    campaigns: int = 40
    shares: int = 500_000
    clicks: int = 10_000_000
    conversions: int = 30_000
    days: int = 90
    seed: int = 2026


@dataclass
class Loaded:
    organization: Any
    manager: Any  # the program manager's membership
    division: Any  # a division (with its departments) for the department filter
    steps: list[tuple[str, float, int]] = field(default_factory=list)


Say = Callable[[str], None]


def say_flush(line: str) -> None:
    print(line, flush=True)


# --- Django and the throw-away database ---------------------------------------------------------


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def admin_connection(server: str) -> Any:
    import psycopg

    return psycopg.connect(database_url(server, "postgres"), autocommit=True)


def database_create(server: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(server: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(server) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(url: str, var_dir: Path) -> None:
    for key in [k for k in os.environ if k.startswith(("OUENDAN_", "DATABASE_"))]:
        del os.environ[key]
    for key in ("REDIS_URL", "DEBUG"):
        os.environ.pop(key, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ouendan.settings",
        OUENDAN_DEMO="1",
        OUENDAN_TESTING="0",
        OUENDAN_VAR_DIR=str(var_dir),
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        EMAIL_URL="locmem://",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Every page and route is imported now, so that a broken tree fails here, not an hour later.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018


# --- Writing rows fast --------------------------------------------------------------------------


def _filled(model: Any, given: Iterable[str]) -> tuple[list[str], list[Callable[[], Any]]]:
    """The columns of ``model`` not in ``given``, each with what an ORM save would have put in
    it: (columns, getters), a getter per column (a callable default, ``uuid4``…, is called per
    row)."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED
    from django.db.models.fields import AutoFieldMixin
    from django.utils import timezone

    names = set(given)
    now = timezone.now()
    columns: list[str] = []
    getters: list[Callable[[], Any]] = []
    for f in model._meta.concrete_fields:
        if f.attname in names or f.name in names or isinstance(f, AutoFieldMixin):
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value: Any = now
        elif f.db_default is not NOT_PROVIDED and not f.has_default():
            continue
        elif f.has_default() and callable(f.default):
            columns.append(f.column)
            getters.append(functools.partial(_prepared_default, f, connection))
            continue
        else:
            value = f.get_default()  # "" for text without a default, as a save would write
            if value is None and not f.null:
                raise RuntimeError(
                    f"{model.__name__}.{f.name} has no default: benchmarks/analytics.py must set it"
                )
        prepared = f.get_db_prep_save(value, connection)
        columns.append(f.column)
        getters.append(functools.partial(_same, prepared))
    return columns, getters


def _prepared_default(field: Any, connection: Any) -> Any:
    return field.get_db_prep_save(field.get_default(), connection)


def _same(value: Any) -> Any:
    return value


def _columns(model: Any, names: Iterable[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


def copy_rows(model: Any, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` (values of the fields ``names``) into the model's table; every other column
    gets its default. Returns the number of rows."""
    from django.db import connection

    extra, getters = _filled(model, names)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [*_columns(model, names), *extra])
    count = 0
    with connection.cursor() as cursor:
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([*row, *(get() for get in getters)])
                count += 1
    return count


def insert_select(model: Any, exprs: dict[str, str], source: str, params: dict[str, Any]) -> int:
    """``INSERT INTO <model> (…) SELECT <exprs>, <defaults> <source>``: ``exprs`` maps field
    names to SQL expressions over ``source``; every other column gets its default."""
    from django.db import connection

    extra, getters = _filled(model, exprs)
    quote = connection.ops.quote_name
    params = dict(params)
    defaults = []
    for i, get in enumerate(getters):
        params[f"_default{i}"] = get()
        defaults.append(f"%(_default{i})s")
    columns = ", ".join(quote(c) for c in [*_columns(model, exprs), *extra])
    select = ", ".join([*exprs.values(), *defaults])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {select} {source}",
            params,
        )
        return int(cursor.rowcount)


def execute(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def analyze(*models: Any) -> None:
    """VACUUM ANALYZE (what autovacuum does soon after a load); ANALYZE alone in a transaction."""
    from django.db import connection

    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    for model in models:
        execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")


# --- The organization ---------------------------------------------------------------------------


@contextlib.contextmanager
def step(loaded: Loaded, what: str, say: Say) -> Iterator[list[int]]:
    """Times one load step; the body appends the rows it wrote."""
    from django.db import transaction

    rows: list[int] = []
    started = time.perf_counter()
    with transaction.atomic():
        yield rows
    seconds = time.perf_counter() - started
    loaded.steps.append((what, seconds, sum(rows)))
    say(f"  {what:<44} {sum(rows):>11,} rows {seconds:>8.1f} s")


def hour_slots(now: dt.datetime, days: int, tz: ZoneInfo, growth: float) -> tuple[list, list]:
    """Every hour of the last ``days`` days up to now, with its weight in the rhythm (and a
    program that grows by ``growth`` over the period): (starts, cumulative weights)."""
    local_now = now.astimezone(tz)
    first = local_now.date() - dt.timedelta(days=days - 1)
    starts, cumulative, total = [], [], 0.0
    for d in range(days):
        day = first + dt.timedelta(days=d)
        trend = 1 + growth * d / max(days - 1, 1)
        for hour in range(24):
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
            if start > local_now:
                break
            total += WEEKDAY[day.weekday()] * HOURS[hour] * trend
            starts.append(start)
            cumulative.append(total)
    return starts, cumulative


def a_moment(rng: random.Random, slots: tuple[list, list], now: dt.datetime) -> dt.datetime:
    start = rng.choices(slots[0], cum_weights=slots[1])[0]
    return min(start + dt.timedelta(seconds=rng.random() * 3600), now)


def load_organization(scale: Scale) -> Loaded:
    """The organization, its department tree and the program manager (ORM: a few hundred
    rows)."""
    from django.db import transaction

    from ouendan.accounts.models import Department, Membership, Organization, RoleGrant, User
    from ouendan.accounts.roles import Role

    with transaction.atomic():
        slug = f"bench-{os.getpid()}-{random.Random().randrange(10**6)}"
        org = Organization.objects.create(
            name="株式会社ベンチマーク", slug=slug, locale="ja", time_zone=TIME_ZONE
        )
        divisions, departments, sections = scale.tree
        for i in range(divisions):
            name = DIVISIONS[i % len(DIVISIONS)][0] + (
                f"{i // len(DIVISIONS) + 1}" if i >= len(DIVISIONS) else ""
            )
            division = Department.objects.create(organization=org, name=name, code=f"D{i:02d}")
            base = name.removesuffix("本部")
            for j in range(departments):
                department = Department.objects.create(
                    organization=org,
                    parent=division,
                    name=f"{base}{j + 1}部",
                    code=f"D{i:02d}{j:02d}",
                )
                Department.objects.bulk_create(
                    Department(
                        organization=org, parent=department, name=f"第{k + 1}課",
                        code=f"D{i:02d}{j:02d}{k:02d}",
                    )
                    for k in range(sections)
                )  # fmt: skip
        user = User.objects.create(email=f"pm@{slug}.bench.example", language="ja")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        manager = Membership.objects.create(
            organization=org, user=user, full_name="推進 花子", full_name_kana="スイシン ハナコ"
        )
        RoleGrant.objects.create(membership=manager, role=Role.PROGRAM_MANAGER)
    return Loaded(organization=org, manager=manager, division=filter_division(org))


def filter_division(org: Any) -> Any:
    """The division the department filter asks for: the second (営業本部, sales), with its
    departments and sections."""
    from ouendan.accounts.models import Department

    return Department.objects.filter(organization=org, parent=None).order_by("code")[1]


def loaded_again() -> Loaded:
    """What an earlier run loaded into the database (``--reuse``)."""
    from ouendan.accounts.models import Membership, Organization
    from ouendan.accounts.roles import Role

    org = Organization.objects.filter(slug__startswith="bench-").order_by("-pk").first()
    if org is None:
        raise SystemExit("--reuse: this database has no benchmark organization")
    manager = Membership.objects.filter(
        organization=org, role_grants__role=Role.PROGRAM_MANAGER
    ).first()
    return Loaded(organization=org, manager=manager, division=filter_division(org))


def load(scale: Scale, *, say: Say = say_flush, now: dt.datetime | None = None) -> Loaded:
    """Everything the benchmark measures, written fast. ``now``: the end of the period."""
    from django.utils import timezone

    from ouendan.accounts.models import Membership, RoleGrant
    from ouendan.sharing.models import Share, ShareMetrics
    from ouendan.tracking.models import Click, Conversion, TrackedLink

    now = now or timezone.now()
    rng = random.Random(scale.seed)
    started = time.perf_counter()
    loaded = load_organization(scale)
    people = load_people(loaded, scale, rng, now, say)
    content = load_content(loaded, scale, rng, now, say)
    load_shares(loaded, scale, rng, now, people, content, say)
    load_links_and_reactions(loaded, now, say)
    load_clicks(loaded, scale.clicks, now=now, say=say)
    load_conversions(loaded, scale, now, say)
    begun = time.perf_counter()
    analyze(Membership, RoleGrant, Share, ShareMetrics, TrackedLink, Click, Conversion)
    loaded.steps.append(("VACUUM ANALYZE", time.perf_counter() - begun, 0))
    say(f"  {'VACUUM ANALYZE':<44} {'':>16} {loaded.steps[-1][1]:>8.1f} s")
    say(f"  {'loaded in':<44} {'':>16} {time.perf_counter() - started:>8.1f} s")
    return loaded


@dataclass
class People:
    advocates: list[int]  # membership ids
    weights: list[float]  # cumulative: how keen each advocate is to share
    left_at: dict[int, dt.datetime]  # advocates who left, and when
    networks: dict[int, list[str]]
    reach: dict[tuple[int, str], int | None]


def load_people(
    loaded: Loaded, scale: Scale, rng: random.Random, now: dt.datetime, say: Say
) -> People:
    """Users, memberships and role grants by COPY; returns who may share, and how keenly."""
    from django.contrib.auth.hashers import make_password

    from ouendan.accounts.models import Department, Membership, RoleGrant, User
    from ouendan.accounts.roles import Role
    from ouendan.demo.data.names import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES

    org = loaded.organization
    departments = list(Department.objects.filter(organization=org).order_by("code"))
    parents = {d.parent_id for d in departments}
    heads = [d for d in departments if d.pk in parents]  # one head each, the rest in sections
    leaves = [d for d in departments if d.pk not in parents]
    sizes = [math.exp(rng.gauss(0, 0.6)) for _ in leaves]  # sections differ in size
    division_of = {d.pk: int(d.code[1:3]) % len(DIVISIONS) for d in departments}
    seats = heads[: scale.people] + rng.choices(
        leaves, weights=sizes, k=max(scale.people - len(heads), 0)
    )
    surname_weights = [1 / (rank + 8) for rank in range(len(SURNAMES))]
    password = make_password(None)
    people = []
    for n, department in enumerate(seats):
        surname = rng.choices(SURNAMES, weights=surname_weights)[0]
        given = rng.choice(MALE_GIVEN_NAMES if rng.random() < 0.55 else FEMALE_GIVEN_NAMES)
        people.append((n, department, surname, given))
    domain = f"{org.slug}.bench.example"
    with step(loaded, "users (COPY)", say) as rows:
        rows.append(
            copy_rows(
                User,
                ["email", "password", "language", "date_joined"],
                (
                    (f"e{n:06d}@{domain}", password, "ja", now - dt.timedelta(days=400))
                    for n, *_rest in people
                ),
            )
        )
    user_ids = dict(
        execute(f"SELECT email, id FROM {User._meta.db_table} WHERE email LIKE %s", [f"%@{domain}"])
    )
    left: dict[int, dt.datetime] = {}
    with step(loaded, "memberships (COPY)", say) as rows:
        membership_rows = []
        for n, department, surname, given in people:
            gone = rng.random() < 0.015
            left_at = now - dt.timedelta(days=rng.random() * scale.days) if gone else None
            if left_at:
                left[n] = left_at
            membership_rows.append(
                (
                    user_ids[f"e{n:06d}@{domain}"], org.pk, f"{surname[0]} {given[0]}",
                    f"{surname[1]} {given[1]}", str(100001 + n), department.pk,
                    "部長" if n < len(heads) else ("主任" if n % 7 == 0 else "担当"),
                    "left" if left_at else "active", left_at,
                    now - dt.timedelta(days=30 + rng.random() * 9000),
                )
            )  # fmt: skip
        rows.append(
            copy_rows(
                Membership,
                [
                    "user_id", "organization_id", "full_name", "full_name_kana",
                    "employee_number", "department_id", "title", "status", "left_at",
                    "joined_at",
                ],
                membership_rows,
            )
        )  # fmt: skip
    membership_of = dict(
        execute(
            f"SELECT employee_number, id FROM {Membership._meta.db_table}"
            " WHERE organization_id = %s",
            [org.pk],
        )
    )
    advocates: list[int] = []
    keenness: list[float] = []
    left_at_of: dict[int, dt.datetime] = {}
    grants = []
    for n, department, _surname, _given in people:
        pk = membership_of[str(100001 + n)]
        _name, advocate_share, keen = DIVISIONS[division_of[department.pk]]
        if n < len(heads):
            grants.append((pk, Role.MANAGER.value))
        if rng.random() < advocate_share * 0.9:  # ×0.9: 40 % of the company overall
            grants.append((pk, Role.ADVOCATE.value))
            advocates.append(pk)
            # A third of the enrolled never share (as in most programs); the others unevenly.
            dormant = rng.random() < 0.35
            keenness.append(0.0 if dormant else keen * math.exp(rng.gauss(0, 1.3)))
            if n in left:
                left_at_of[pk] = left[n]
    with step(loaded, "role grants (COPY)", say) as rows:
        rows.append(copy_rows(RoleGrant, ["membership_id", "role"], grants))
    cumulative, total = [], 0.0
    for k in keenness:
        total += k
        cumulative.append(total)
    networks: dict[int, list[str]] = {}
    reach: dict[tuple[int, str], int | None] = {}
    for pk in advocates:
        mine = [name for name, share, _median, _ref in NETWORKS if rng.random() < share]
        networks[pk] = mine or ["x"]
        for name, _share, median, _ref in NETWORKS:
            if name in networks[pk]:
                unknown = rng.random() < 0.25
                followers = int(median * math.exp(rng.gauss(0, 1.2)))
                reach[(pk, name)] = None if unknown else min(followers, 5_000_000)
    return People(advocates, cumulative, left_at_of, networks, reach)


@dataclass
class Content:
    ids: list[int]  # by publication time
    published: list[dt.datetime]
    titles: dict[int, str]


def load_content(
    loaded: Loaded, scale: Scale, rng: random.Random, now: dt.datetime, say: Say
) -> Content:
    """Campaigns (ORM) and content items (COPY), published over the period and 45 days before."""
    from ouendan.content.models import Campaign, ContentItem

    org = loaded.organization
    tz = ZoneInfo(TIME_ZONE)
    span = scale.days + 45
    today = now.astimezone(tz).date()
    with step(loaded, "campaigns", say) as rows:
        campaigns = []
        for n in range(scale.campaigns):
            starts = today - dt.timedelta(days=rng.randrange(span))
            campaigns.append(
                Campaign(
                    organization=org,
                    name=f"{THEMES[n % len(THEMES)]} {n + 1}",
                    slug=f"campaign-{n + 1}",
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=rng.randrange(21, 61)),
                    goal_target=rng.choice((None, 100, 500, 1000)),
                )
            )
        campaigns = Campaign.objects.bulk_create(campaigns)
        rows.append(len(campaigns))
    slots = hour_slots(now, span, tz, growth=0.0)
    published = sorted(a_moment(rng, slots, now) for _ in range(scale.content))
    items = []
    for n, at in enumerate(published):
        day = at.astimezone(tz).date()
        running = [
            c for c in campaigns if c.starts_on and c.ends_on and c.starts_on <= day <= c.ends_on
        ]
        campaign = rng.choice(running) if running and rng.random() < 0.35 else None
        title = f"{WORDS[n % len(WORDS)]}のお知らせ（{n + 1}）"
        url = f"https://www.bench.example/news/{n + 1}"
        items.append(
            (
                org.pk, title, f"item-{n + 1}", url, url, f"{title}について社員がご紹介します。",
                "published", at, at, at - dt.timedelta(days=1), campaign.pk if campaign else None,
                title.lower(), at, at, "ja",
            )
        )  # fmt: skip
    with step(loaded, "content items (COPY)", say) as rows:
        rows.append(
            copy_rows(
                ContentItem,
                [
                    "organization_id", "title", "slug", "url", "url_key", "summary", "status",
                    "published_at", "approved_at", "submitted_at", "campaign_id", "search_text",
                    "created_at", "updated_at", "language",
                ],
                items,
            )
        )  # fmt: skip
    ids = dict(
        execute(
            f"SELECT slug, id FROM {ContentItem._meta.db_table} WHERE organization_id = %s",
            [org.pk],
        )
    )
    order = [ids[f"item-{n + 1}"] for n in range(scale.content)]
    titles = {order[n]: items[n][1] for n in range(scale.content)}
    return Content(order, published, titles)


def load_shares(
    loaded: Loaded,
    scale: Scale,
    rng: random.Random,
    now: dt.datetime,
    people: People,
    content: Content,
    say: Say,
) -> None:
    """Shares (COPY): the weekly rhythm and a program growing by 20 % over the quarter; keen
    advocates share much more than most; recent content more than old."""
    from ouendan.sharing.models import Share

    org = loaded.organization
    slots = hour_slots(now, scale.days, ZoneInfo(TIME_ZONE), growth=0.2)
    moments = sorted(a_moment(rng, slots, now) for _ in range(scale.shares))
    fresh = dt.timedelta(days=45)
    rows_out = []
    for at in moments:
        while True:
            sharer = rng.choices(people.advocates, cum_weights=people.weights)[0]
            gone = people.left_at.get(sharer)
            if gone is None or gone > at:
                break
        hi = bisect.bisect_right(content.published, at)
        lo = bisect.bisect_left(content.published, at - fresh)
        if hi == 0:
            continue
        lo = min(lo, hi - 1)
        item = content.ids[hi - 1 - int((hi - lo) * rng.random() ** 2)]
        network = rng.choice(people.networks[sharer])
        direct = rng.random() < 0.08
        confirmed: dt.datetime | None = (
            at if direct else min(at + dt.timedelta(minutes=rng.random() * 30), now)
        )
        if not direct and rng.random() >= 0.6:
            confirmed = None  # "I posted it" never pressed
        rows_out.append(
            (
                org.pk, item, sharer, network, "direct" if direct else "intent",
                f"{content.titles[item]} #ouendan https://oue.bench.example/r/xxxxxxxx",
                rng.random() < 0.2, confirmed, people.reach[(sharer, network)], at,
                min(confirmed or at, now),
            )
        )  # fmt: skip
    with step(loaded, "shares (COPY)", say) as rows:
        rows.append(
            copy_rows(
                Share,
                [
                    "organization_id", "content_id", "membership_id", "network", "method",
                    "text", "edited", "confirmed_at", "reach", "created_at", "updated_at",
                ],
                rows_out,
            )
        )  # fmt: skip


def load_links_and_reactions(loaded: Loaded, now: dt.datetime, say: Say) -> None:
    """One tracked link per share, and reactions on the direct posts (synced) and on some others
    (entered by hand): INSERT … SELECT."""
    from ouendan.sharing.models import Share, ShareMetrics
    from ouendan.tracking.models import TrackedLink

    params = {"org": loaded.organization.pk, "now": now}
    share = Share._meta.db_table
    with step(loaded, "tracked links (INSERT … SELECT)", say) as rows:
        rows.append(
            insert_select(
                TrackedLink,
                {
                    "organization_id": "s.organization_id",
                    "share_id": "s.id",
                    "content_id": "s.content_id",
                    "membership_id": "s.membership_id",
                    "network": "s.network",
                    "code": "'b' || to_hex(s.id)",
                    "destination": "'https://www.bench.example/news/' || s.content_id"
                    " || '?utm_source=' || s.network || '&utm_medium=ouendan'",
                    "created_at": "s.created_at",
                },
                f"FROM {share} s WHERE s.organization_id = %(org)s ORDER BY s.id",
                params,
            )
        )
    with step(loaded, "reactions (INSERT … SELECT)", say) as rows:
        rows.append(
            insert_select(
                ShareMetrics,
                {
                    "organization_id": "x.organization_id",
                    "share_id": "x.id",
                    "likes": "floor(-ln(1 - x.r1) * (2 + x.audience / 60.0))::int",
                    "reposts": "floor(-ln(1 - x.r2) * (0.3 + x.audience / 400.0))::int",
                    "replies": "floor(-ln(1 - x.r3) * 0.6)::int",
                    "impressions": "CASE WHEN x.method = 'direct'"
                    " THEN (x.audience * (0.1 + 0.6 * x.r1))::int END",
                    "source": "CASE WHEN x.method = 'direct' THEN 'synced' ELSE 'manual' END",
                    "synced_at": "CASE WHEN x.method = 'direct'"
                    " THEN LEAST(x.created_at + interval '2 days', %(now)s) END",
                    "updated_at": "LEAST(x.created_at + interval '2 days', %(now)s)",
                },
                "FROM (SELECT s.id, s.organization_id, s.method, s.created_at,"
                " COALESCE(s.reach, 150) AS audience, random() AS r1, random() AS r2,"
                f" random() AS r3 FROM {share} s WHERE s.organization_id = %(org)s"
                " AND (s.method = 'direct' OR random() < 0.05) OFFSET 0) x",
                params,
            )
        )


def load_clicks(
    loaded: Loaded,
    count: int,
    *,
    now: dt.datetime,
    say: Say,
    since: dt.datetime | None = None,
    what: str = "clicks (INSERT … SELECT generate_series)",
) -> int:
    """``count`` clicks on the organization's links, in time order (as the redirect writes them),
    all folded (``aggregated``). Without ``since``: each click some hours or days after its share
    (most within the day), kept or not by the hour's and weekday's weight; popular links get
    most clicks. With ``since``: clicks between ``since`` and ``now`` on links shared before."""

    from ouendan.sharing.models import Share
    from ouendan.tracking.models import Click, TrackedLink

    org = loaded.organization
    params: dict[str, Any] = {
        "org": org.pk,
        "now": now,
        "since": since,
        "weekday": list(WEEKDAY),
        "hours": list(HOURS),
        "tz": TIME_ZONE,
    }
    with step(loaded, what, say) as rows:
        execute("DROP TABLE IF EXISTS bench_links")
        execute(
            "CREATE TEMP TABLE bench_links AS SELECT"
            " (row_number() OVER (ORDER BY s.created_at DESC, l.id) - 1)::int AS idx,"
            " l.id AS link_id, l.network, s.created_at"
            f" FROM {TrackedLink._meta.db_table} l JOIN {Share._meta.db_table} s"
            " ON s.id = l.share_id WHERE l.organization_id = %(org)s"
            + (" AND s.created_at < %(since)s" if since else ""),
            params,
        )
        execute("CREATE UNIQUE INDEX ON bench_links (idx)")
        execute("ANALYZE bench_links")
        links = execute("SELECT count(*) FROM bench_links")[0][0]
        if not links or count <= 0:
            rows.append(0)
            return 0
        params.update(links=links, count=count, candidates=count * 3 + 1000, prime=2_147_483_647)
        if since is None:
            # Popularity: a power law over the links, spread over time by a permutation.
            pick = "mod(floor(%(links)s * power(random(), 3))::bigint * %(prime)s, %(links)s)"
            moment = "l.created_at + x.delay_h * interval '1 hour'"
            keep = (
                "y.at <= %(now)s AND y.r_keep < (%(weekday)s::float8[])"
                "[extract(isodow FROM y.at AT TIME ZONE %(tz)s)::int]"
                " * (%(hours)s::float8[])[extract(hour FROM y.at AT TIME ZONE %(tz)s)::int + 1]"
            )
        else:
            pick = "floor(least(%(links)s, 20000) * power(random(), 2))::bigint"  # recent links
            moment = "%(since)s + random() * (%(now)s - %(since)s)"
            keep = "true"
        referrer = " ".join(
            f"WHEN '{name}' THEN '{host}'" for name, _share, _median, host in NETWORKS
        )
        click_id = (
            "rtrim(translate(encode(substring(int8send((extract(epoch FROM c.at) * 1000)::bigint)"
            " FROM 3 FOR 6) || substring(decode(md5(c.g::text || c.r_id::text), 'hex')"
            " FROM 1 FOR 10), 'base64'), '+/', '-_'), '=')"
        )
        source = f"""
            FROM (
                SELECT * FROM (
                    SELECT x.*, l.link_id, l.network, {moment} AS at
                    FROM (
                        SELECT g, ({pick})::int AS idx,
                            CASE WHEN random() < 0.7 THEN 6.0 ELSE 72.0 END
                                * -ln(1.0 - random()) AS delay_h,
                            random() AS r_keep, random() AS r_bot, random() AS r_kind,
                            random() AS r_dev, random() AS r_ref, random() AS r_id
                        FROM generate_series(1, %(candidates)s) g
                        OFFSET 0  -- a fence: each random() drawn once per row
                    ) x JOIN bench_links l USING (idx)
                    OFFSET 0
                ) y
                WHERE {keep}
                LIMIT %(count)s
            ) c
            ORDER BY c.at"""
        bot = "c.r_bot < 0.12"
        exprs = {
            "organization_id": "%(org)s",
            "link_id": "c.link_id",
            "click_id": click_id,
            "at": "c.at",
            "day": "(c.at AT TIME ZONE 'UTC')::date",
            "visitor_hash": "md5(c.g::text || c.r_id::text || 'visitor')",
            "bot": bot,
            "reason": f"CASE WHEN NOT {bot} THEN '' WHEN c.r_kind < 0.55 THEN 'preview'"
            " WHEN c.r_kind < 0.80 THEN 'crawler' WHEN c.r_kind < 0.88 THEN 'prefetch'"
            " WHEN c.r_kind < 0.95 THEN 'head' ELSE 'no_agent' END",
            "is_self": f"NOT {bot} AND c.r_kind < 0.015",
            "device": f"CASE WHEN {bot} THEN 'bot' WHEN c.r_dev < 0.62 THEN 'mobile'"
            " WHEN c.r_dev < 0.92 THEN 'desktop' WHEN c.r_dev < 0.97 THEN 'tablet'"
            " ELSE 'other' END",
            "referrer_host": f"CASE WHEN {bot} OR c.r_ref < 0.35 THEN ''"
            f" ELSE CASE c.network {referrer} ELSE '' END END",
            "unique": f"NOT {bot} AND c.r_kind >= 0.30",
            "aggregated": "true",
        }
        execute("SET LOCAL work_mem = '1GB'")  # the sort into time order (this transaction only)
        skip_foreign_key_checks()
        written = 0
        while written < count:  # rarely more than once: three candidates per click are drawn
            params["count"] = count - written
            added = insert_select(Click, exprs, source, params)
            written += added
            if not added:
                break
        execute("DROP TABLE bench_links")
        rows.append(written)
    return written


def skip_foreign_key_checks() -> bool:
    """Skips the foreign-key triggers for the rest of the transaction when the user may (a
    superuser): every click's link and organization exist by construction, and checking 10
    million of them at commit costs ~20 µs each. Otherwise they are checked, only slower."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def load_conversions(loaded: Loaded, scale: Scale, now: dt.datetime, say: Say) -> None:
    """Conversions on a random sample of human clicks (INSERT … SELECT): applications, leads,
    inquiries, sign-ups without a value, purchases with one; one touch each (last touch)."""
    from ouendan.content.models import ContentItem
    from ouendan.tracking.models import (
        Click,
        Conversion,
        ConversionTouch,
        ConversionType,
        TrackedLink,
    )
    from ouendan.tracking.selectors import conversion_types_ensure

    org = loaded.organization
    conversion_types_ensure(org)
    types = dict(ConversionType.objects.filter(organization=org).values_list("key", "pk"))
    humans = Click.objects.filter(organization=org, bot=False, is_self=False).count()
    params: dict[str, Any] = {
        "org": org.pk,
        "now": now,
        "p": min(1.0, scale.conversions / max(humans, 1)),
        "purchase": types["purchase"],
    }
    cases, bound = [], 0.0
    for key, share in CONVERSION_MIX:
        bound += share
        params[key] = types[key]
        cases.append(f"WHEN x.r_type < {bound} THEN %({key})s")
    with step(loaded, "conversions (INSERT … SELECT)", say) as rows:
        rows.append(
            insert_select(
                Conversion,
                {
                    "organization_id": "%(org)s",
                    "type_id": f"CASE {' '.join(cases)} ELSE %(purchase)s END",
                    "click_id": "x.id",
                    "link_id": "x.link_id",
                    "content_id": "x.content_id",
                    "membership_id": "x.membership_id",
                    "network": "x.network",
                    "campaign_id": "x.campaign_id",
                    "value": f"CASE WHEN x.r_type >= {bound} THEN round(3000 + x.r_value * 27000)"
                    " ELSE 0 END",
                    "currency": "'JPY'",
                    "idempotency_key": "'bench-' || x.id",
                    "occurred_at": "x.occurred_at",
                    "created_at": "x.occurred_at",
                    "source": "CASE WHEN x.r_value < 0.8 THEN 'snippet' ELSE 'api' END",
                },
                f"""FROM (
                    SELECT c.id, c.link_id, l.content_id, l.membership_id, l.network,
                        i.campaign_id, random() AS r_type, random() AS r_value,
                        LEAST(c.at + -ln(1 - random()) * interval '40 minutes', %(now)s)
                            AS occurred_at
                    FROM {Click._meta.db_table} c
                    JOIN {TrackedLink._meta.db_table} l ON l.id = c.link_id
                    JOIN {ContentItem._meta.db_table} i ON i.id = l.content_id
                    WHERE c.organization_id = %(org)s AND NOT c.bot AND NOT c.is_self
                        AND random() < %(p)s
                    OFFSET 0  -- a fence: each random() drawn once per row
                ) x ORDER BY x.occurred_at""",
                params,
            )
        )
    with step(loaded, "conversion touches (INSERT … SELECT)", say) as rows:
        rows.append(
            insert_select(
                ConversionTouch,
                {
                    "organization_id": "v.organization_id",
                    "conversion_id": "v.id",
                    "click_id": "v.click_id",
                    "link_id": "v.link_id",
                    "content_id": "v.content_id",
                    "membership_id": "v.membership_id",
                    "network": "v.network",
                    "campaign_id": "v.campaign_id",
                    "at": "c.at",
                    "position": "0",
                },
                f"FROM {Conversion._meta.db_table} v JOIN {Click._meta.db_table} c"
                " ON c.id = v.click_id WHERE v.organization_id = %(org)s",
                params,
            )
        )


# --- SQL statements, timed ----------------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    params: Any
    seconds: float


class Queries:
    """Every SQL statement run inside ``with``, timed (Django's own log keeps 9,000 at most)."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(Statement(sql, params, time.perf_counter() - started))

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.statements)

    def slowest(self) -> Statement | None:
        return max(self.statements, key=lambda s: s.seconds, default=None)

    def __enter__(self) -> Queries:
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)


def statement_kind(sql: str) -> str:
    """``SELECT tracking_click``: the verb and the first table, to add statements up by kind."""
    verb = sql.lstrip().split(None, 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else '?'}"


class _Undo(Exception):
    pass


def explain(statement: Statement) -> list[str]:
    """The statement's plan as it runs (``EXPLAIN ANALYZE`` executes it: a write is undone)."""
    from django.db import DatabaseError, transaction

    lines: list[str] = []
    try:
        with transaction.atomic():
            rows = execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.params)
            lines = [row[0] for row in rows]
            raise _Undo
    except _Undo:
        pass
    except DatabaseError as exc:
        return [f"(no plan: {exc})"]
    return lines


def by_kind(queries: Queries) -> list[tuple[str, int, float, Statement]]:
    """(kind, count, total seconds, slowest statement), the costliest kinds first."""
    kinds: dict[str, list[Statement]] = {}
    for s in queries.statements:
        kinds.setdefault(statement_kind(s.sql), []).append(s)
    return sorted(
        (
            (kind, len(found), sum(s.seconds for s in found), max(found, key=lambda s: s.seconds))
            for kind, found in kinds.items()
        ),
        key=lambda row: -row[2],
    )


def costliest_read(queries: Queries) -> Statement | None:
    """The slowest run of the SELECT that took the most time in all (the same SQL text)."""
    runs: dict[str, list[Statement]] = {}
    for s in queries.statements:
        if s.sql.lstrip().upper().startswith("SELECT"):
            runs.setdefault(s.sql, []).append(s)
    if not runs:
        return None
    same = max(runs.values(), key=lambda found: sum(s.seconds for s in found))
    return max(same, key=lambda s: s.seconds)


def print_kinds(queries: Queries, wall: float, say: Say, top: int) -> None:
    say(
        f"    SQL {queries.seconds:.1f} s of {wall:.1f} s ({len(queries.statements):,} statements);"
        " the rest is Python (the ORM's rows and objects)"
    )
    for kind, count, total, slowest in by_kind(queries)[:top]:
        say(
            f"    {kind:<36} {count:>6,} × {total / count * 1000:>8.1f} ms = {total:>7.1f} s"
            f" (slowest {slowest.seconds * 1000:.0f} ms)"
        )


# --- 1. The rollups -----------------------------------------------------------------------------


def build_rollups(
    loaded: Loaded, *, now: dt.datetime, say: Say, increment: int = INCREMENT
) -> dict[str, Any]:
    """``rollups_rebuild`` (timed, with where the time went), the worker's first run after it,
    then ``increment`` clicks today and the worker's run again."""
    from ouendan.analytics.models import DailyRollup, DailyTotal
    from ouendan.analytics.services.rollups import rollups_build, rollups_rebuild

    org = loaded.organization
    result: dict[str, Any] = {}
    with Queries() as queries:
        started = time.perf_counter()
        days = rollups_rebuild(organization=org)
        wall = time.perf_counter() - started
    result["rebuild"] = (wall, days)
    rows = DailyRollup.objects.filter(organization=org).count()
    totals = DailyTotal.objects.filter(organization=org).count()
    say(
        f"  rollups_rebuild: {wall:.1f} s for {days} days ({wall / max(days, 1) * 1000:.0f} ms a"
        f" day); {rows:,} DailyRollup rows, {totals:,} DailyTotal rows"
    )
    print_kinds(queries, wall, say, top=6)
    kinds = by_kind(queries)
    result["rebuild_kinds"] = kinds
    result["rebuild_slowest"] = costliest_read(queries)
    analyze(DailyRollup, DailyTotal)

    started = time.perf_counter()
    first = rollups_build()
    result["first_build"] = (time.perf_counter() - started, first)
    say(
        f"  rollups_build(), the worker's next run after the rebuild: "
        f"{result['first_build'][0]:.1f} s, {first} days rebuilt"
    )
    tz = ZoneInfo(org.time_zone)
    midnight = dt.datetime.combine(now.astimezone(tz).date(), dt.time.min, tzinfo=tz)
    later = dt.datetime.now(dt.UTC)
    load_clicks(
        loaded, increment, now=later, since=midnight, say=say, what=f"{increment:,} clicks today"
    )
    with Queries() as queries:
        started = time.perf_counter()
        built = rollups_build()
        wall = time.perf_counter() - started
    result["increment"] = (wall, built)
    say(f"  rollups_build() after {increment:,} clicks today: {wall:.2f} s, {built} day(s) rebuilt")
    print_kinds(queries, wall, say, top=4)
    result["increment_kinds"] = by_kind(queries)
    analyze(DailyRollup, DailyTotal)
    return result


# --- 2. and 3. The figures, through the rollups and straight from raw events --------------------


def signed_in(membership: Any) -> Any:
    from django.test import Client

    from ouendan.accounts.sessions import TWO_FACTOR_VERIFIED

    client = Client(headers={"Accept-Language": "ja"})
    client.force_login(membership.user)
    session = client.session
    session[TWO_FACTOR_VERIFIED] = True
    session.save()
    return client


def raw_summary(actor: Any, filters: Any) -> dict[str, Any]:
    """The summary API's figures computed by SQL straight over the raw tables."""
    from ouendan.accounts.models import Membership, RoleGrant
    from ouendan.accounts.roles import Role
    from ouendan.analytics.selectors import emv, rates_for
    from ouendan.analytics.services.rollups import local_day_bounds
    from ouendan.sharing.models import Share, ShareMetrics
    from ouendan.tracking.models import Click, Conversion, TrackedLink

    tz = ZoneInfo(actor.organization.time_zone)
    params: dict[str, Any] = {
        "org": actor.organization.pk,
        "start": local_day_bounds(filters.start, tz)[0],
        "end": local_day_bounds(filters.end, tz)[1],
        "departments": sorted(filters.departments or []),
    }
    member = Membership._meta.db_table

    def scoped(alias: str) -> tuple[str, str]:
        if filters.departments is None:
            return "", ""
        return (
            f" JOIN {member} m ON m.id = {alias}.membership_id",
            " AND m.department_id = ANY(%(departments)s)",
        )

    join, where = scoped("s")
    shares, reach, active = execute(
        f"""SELECT COALESCE(SUM(t.n), 0), COALESCE(SUM(t.r), 0), COUNT(DISTINCT t.membership_id)
        FROM (SELECT s.membership_id, s.network, COUNT(*) AS n, MAX(COALESCE(s.reach, 0)) AS r
              FROM {Share._meta.db_table} s{join}
              WHERE s.organization_id = %(org)s AND s.created_at >= %(start)s
                AND s.created_at < %(end)s{where}
              GROUP BY s.membership_id, s.network) t""",
        params,
    )[0]
    by_network: dict[str, dict[str, Any]] = {}

    def add(network: str, **figures: Any) -> None:
        row = by_network.setdefault(
            network,
            {"clicks": 0, "unique_clicks": 0, "conversions": 0, "conversion_value": Decimal(0),
             "reactions": 0, "impressions": 0},
        )  # fmt: skip
        row.update(figures)

    join, where = scoped("l")
    for network, clicks, unique in execute(
        f"""SELECT l.network, COUNT(*), COUNT(*) FILTER (WHERE c."unique")
        FROM {Click._meta.db_table} c JOIN {TrackedLink._meta.db_table} l ON l.id = c.link_id{join}
        WHERE c.organization_id = %(org)s AND c.at >= %(start)s AND c.at < %(end)s
          AND NOT c.bot AND NOT c.is_self AND c.aggregated{where}
        GROUP BY l.network""",
        params,
    ):
        add(network, clicks=clicks, unique_clicks=unique)
    join, where = scoped("v")
    for network, count, value in execute(
        f"""SELECT v.network, COUNT(*), COALESCE(SUM(v.value), 0)
        FROM {Conversion._meta.db_table} v{join}
        WHERE v.organization_id = %(org)s AND v.occurred_at >= %(start)s
          AND v.occurred_at < %(end)s{where}
        GROUP BY v.network""",
        params,
    ):
        add(network, conversions=count, conversion_value=value)
    join, where = scoped("s")
    for network, reactions, impressions in execute(
        f"""SELECT s.network, COALESCE(SUM(x.likes + x.reposts + x.replies), 0),
            COALESCE(SUM(x.impressions), 0)
        FROM {ShareMetrics._meta.db_table} x
        JOIN {Share._meta.db_table} s ON s.id = x.share_id{join}
        WHERE x.organization_id = %(org)s AND s.created_at >= %(start)s
          AND s.created_at < %(end)s{where}
        GROUP BY s.network""",
        params,
    ):
        add(network, reactions=reactions, impressions=impressions)
    enrolled = execute(
        f"""SELECT COUNT(*) FROM {member} m JOIN {RoleGrant._meta.db_table} g
            ON g.membership_id = m.id AND g.role = %(role)s
        WHERE m.organization_id = %(org)s AND m.status = %(active)s"""
        + (
            " AND m.department_id = ANY(%(departments)s)" if filters.departments is not None else ""
        ),
        {**params, "role": Role.ADVOCATE.value, "active": Membership.Status.ACTIVE.value},
    )[0][0]
    rates = rates_for(actor)
    total = Decimal(0)
    for network, figures in by_network.items():
        if network in rates:
            total += emv(figures, rates[network])
    sums = {
        k: sum(row[k] for row in by_network.values())
        for k in ("clicks", "unique_clicks", "conversions", "conversion_value")
    }
    return {
        "shares": int(shares),
        **{k: int(v) for k, v in sums.items() if k != "conversion_value"},
        "conversion_value": float(sums["conversion_value"]),
        "emv": float(total),
        "potential_reach": int(reach),
        "participation_rate": round(active / enrolled, 4) if enrolled else 0.0,
        "active_advocates": int(active),
        "enrolled_advocates": int(enrolled),
    }


@dataclass
class Case:
    label: str
    run: Callable[[], Any]
    baseline_of: str | None = None  # a raw case: the label of the rollup case it is the baseline of
    before: Callable[[], Any] | None = None  # run before each sample, untimed
    targeted: bool = True  # False: measured and shown, outside the target (other pages)
    samples: list[float] = field(default_factory=list)  # milliseconds
    sql: list[float] = field(default_factory=list)
    queries: set[int] = field(default_factory=set)
    slowest: Statement | None = None
    last: list[Statement] = field(default_factory=list)  # the statements of the last sample
    result: Any = None


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linear between the closest ranks."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def sample(case: Case) -> None:
    if case.before:
        case.before()
    with Queries() as queries:
        started = time.perf_counter()
        case.result = case.run()
        took = time.perf_counter() - started
    case.samples.append(took * 1000)
    case.sql.append(queries.seconds * 1000)
    case.queries.add(len(queries.statements))
    case.last = queries.statements
    slowest = queries.slowest()
    if slowest and (case.slowest is None or slowest.seconds > case.slowest.seconds):
        case.slowest = slowest


def cases_for(loaded: Loaded, *, now: dt.datetime) -> list[Case]:
    """The rollup cases (three summary requests and the overview) and their raw baselines."""
    from ouendan.accounts.models import Membership
    from ouendan.accounts.permissions import actor_for_membership
    from ouendan.analytics.selectors import filters_for, organization_today
    from ouendan.analytics.selectors.overview import overview_prepare
    from ouendan.analytics.services.rollups import rollups_changed

    manager = Membership.objects.select_related("organization", "user").get(pk=loaded.manager.pk)
    actor = actor_for_membership(manager)
    client = signed_in(manager)
    today = organization_today(actor, now)
    quarter = today - dt.timedelta(days=89)
    division = loaded.division
    periods = [
        ("last 30 days", "", filters_for(actor=actor, now=now)),
        (
            "90 days",
            f"?from={quarter}&to={today}",
            filters_for(actor=actor, start=quarter, end=today, now=now),
        ),
        (
            f"30 days, {division.name} + departments",
            f"?department={division.pk}",
            filters_for(actor=actor, department_id=division.pk, now=now),
        ),
    ]

    def get(url: str) -> Any:
        def run() -> Any:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{url}: HTTP {response.status_code}: {response.content[:300]!r}"
                )
            return response.json() if url.startswith("/api/") else len(response.content)

        return run

    cases = []
    for label, query, _filters in periods:
        cases.append(Case(f"summary API, {label}", get(f"/api/v1/analytics/summary{query}")))
    # The overview's figures are kept until the rollups change (analytics.cache), and the worker
    # prepares an organization's default overview and goals right after rebuilding one of its
    # days (overview_prepare, untimed here and timed as its own case). Measured: the first
    # request after such a change, the same again before the next change, and, outside the
    # target, the first request after a change the worker has not prepared yet (everything
    # computed in the request) and the preparation itself.
    organization = manager.organization

    def changed() -> None:
        rollups_changed(organization_id=organization.pk)

    def changed_and_prepared() -> None:
        changed()
        overview_prepare(organization=organization)

    cases.append(
        Case(
            "overview page /analytics/, after a change",
            get("/analytics/"),
            before=changed_and_prepared,
        )
    )
    cases.append(Case("overview page /analytics/, again", get("/analytics/")))
    cases.append(
        Case(
            "overview page, after a change not prepared yet",
            get("/analytics/"),
            before=changed,
            targeted=False,
        )
    )
    cases.append(
        Case(
            "the worker's overview_prepare after a change",
            lambda: overview_prepare(organization=organization),
            before=changed,
            targeted=False,
        )
    )
    # The ranking pages with most rows, outside the target: content (10,000 items, a
    # page ranked by the database) and advocates (every sharer ranked in Python).
    for path in ("/analytics/content/", "/analytics/advocates/"):
        cases.append(Case(f"ranking page {path}", get(path), targeted=False))
    cases.append(
        Case(
            f"overview page, {division.name} + departments, after a change",
            get(f"/analytics/?department={division.pk}"),
            before=changed_and_prepared,  # its goals prepared, its own figures computed
        )
    )
    for label, _query, filters in periods:
        cases.append(
            Case(
                f"raw SQL, {label}",
                functools.partial(raw_summary, actor, filters),
                baseline_of=f"summary API, {label}",
            )
        )
    return cases


def goals_set(loaded: Loaded, say: Say) -> None:
    """The program manager's two KPI goals for the running quarter (conversions, participation:
    a sum and a distinct count, like the demo's), shown on the overview: once per database."""
    from ouendan.accounts.models import Membership
    from ouendan.accounts.permissions import actor_for_membership
    from ouendan.analytics.models import KpiGoal
    from ouendan.analytics.selectors.reports import quarter_for
    from ouendan.analytics.services.goals import GoalData, goal_create

    manager = Membership.objects.select_related("organization", "user").get(pk=loaded.manager.pk)
    if KpiGoal.objects.filter(organization=manager.organization).exists():
        return
    actor = actor_for_membership(manager)
    quarter = quarter_for(manager.organization)
    started = time.perf_counter()
    for name, metric, kind, target in (
        ("コンバージョン 30,000件", "conversions", "absolute", Decimal(30_000)),
        ("参加率 60%", "participation_rate", "absolute", Decimal(60)),
    ):
        goal_create(
            actor=actor,
            data=GoalData(
                name=name,
                metric=metric,
                kind=kind,
                target=target,
                starts_on=quarter.start,
                ends_on=quarter.end,
            ),
        )
    say(f"\ntwo KPI goals for {quarter.start}–{quarter.end}: {time.perf_counter() - started:.1f} s")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def measure(
    cases: list[Case], *, rounds: int, raw_rounds: int, say: Say, warmup: int = 2
) -> dict[str, Any]:
    """Interleaved rounds: every rollup case once a round, the raw cases every few rounds (they
    are slow), after a warm-up. Returns the load average before and after."""
    rollup = [c for c in cases if c.baseline_of is None]
    raw = [c for c in cases if c.baseline_of is not None]
    every = max(1, rounds // max(raw_rounds, 1))
    for case in rollup:
        for _ in range(warmup):
            case.run()
    for case in raw:
        case.run()
    before = load_average()
    started = time.perf_counter()
    raw_done = 0
    for n in range(rounds):
        for case in rollup:
            sample(case)
        if raw and n % every == 0 and raw_done < raw_rounds:
            for case in raw:
                sample(case)
            raw_done += 1
    seconds = time.perf_counter() - started
    return {"load_before": before, "load_after": load_average(), "seconds": seconds}


def report(cases: list[Case], say: Say, *, explain_slow: bool = True) -> tuple[bool, list[str]]:
    """Prints p50/p95 per case, the target, the ratios, whether raw and rollups agree; returns
    (every rollup case met the target and agrees, problems)."""
    problems: list[str] = []
    by_label = {c.label: c for c in cases}
    say(
        f"  {'case':<52} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'queries':>8}"
        f"  {'≤300 ms?':<9} raw ÷ rollups (p50 / p95)"
    )
    for case in cases:
        p50, p95 = percentile(case.samples, 50), percentile(case.samples, 95)
        queries = "~".join(str(q) for q in sorted(case.queries))
        if case.baseline_of is None:
            verdict = "met" if p95 < TARGET_MS else "MISSED"
            if not case.targeted:
                verdict = "(shown)"
            elif p95 >= TARGET_MS:
                problems.append(f"{case.label}: p95 {p95:.0f} ms")
            ratio = ""
        else:
            verdict = ""
            base = by_label[case.baseline_of]
            ratio = (
                f"{p50 / percentile(base.samples, 50):.1f}× / "
                f"{p95 / percentile(base.samples, 95):.1f}×"
            )
        say(
            f"  {case.label:<52} {len(case.samples):>3} {p50:>8.1f} {p95:>8.1f} "
            f"{percentile(case.sql, 50):>8.1f} {queries:>8}  {verdict:<9} {ratio}"
        )
    for case in cases:
        if case.baseline_of is None:
            continue
        api = by_label[case.baseline_of].result
        raw = case.result
        money = {"emv", "conversion_value"}  # rounded to the yen
        differ = {
            k: (api[k], raw[k])
            for k in raw
            if not math.isclose(api[k], raw[k], rel_tol=0, abs_tol=0.5 if k in money else 1e-9)
        }
        if differ:
            problems.append(f"{case.baseline_of} differs from raw events: {differ}")
            say(f"  DIFFERENT: {case.baseline_of} (API, raw): {differ}")
        else:
            say(f"  same figures from raw events: {case.baseline_of}: {api}")
    if explain_slow:
        for case in cases:
            if (
                case.baseline_of is None
                and case.targeted
                and percentile(case.samples, 95) >= TARGET_MS
                and case.slowest
            ):
                say(f"\n  {case.label}: the costliest statements of its last request")
                for statement in sorted(case.last, key=lambda s: -s.seconds)[:8]:
                    sql = " ".join(statement.sql.split())
                    say(f"    {statement.seconds * 1000:>7.1f} ms  {sql[:150]}")
                took = case.slowest.seconds * 1000
                say(f"  its slowest statement over all requests ({took:.0f} ms):")
                say("    " + " ".join(case.slowest.sql.split())[:1500])
                say(f"    params: {case.slowest.params}")
                for line in explain(case.slowest):
                    say("    | " + line)
    return not problems, problems


# --- Running it ---------------------------------------------------------------------------------


def table_sizes(say: Say) -> None:
    from ouendan.analytics.models import DailyRollup, DailyTotal
    from ouendan.sharing.models import Share
    from ouendan.tracking.models import Click, TrackedLink

    parts = []
    for model in (Click, TrackedLink, Share, DailyRollup, DailyTotal):
        table = model._meta.db_table
        size = execute("SELECT pg_total_relation_size(%s)", [table])[0][0]
        parts.append(f"{table} {size / 2**20:,.0f} MB")
    say("  sizes (with indexes): " + ", ".join(parts))


def run(args: argparse.Namespace, say: Say) -> int:
    from django.db import connection
    from django.utils import timezone

    scale = Scale(
        people=args.people,
        content=args.content,
        shares=args.shares or max(args.clicks // 20, 100),
        clicks=args.clicks,
        conversions=args.conversions if args.conversions is not None else args.clicks * 3 // 1000,
        days=args.days,
    )
    now = timezone.now()
    if args.reuse:
        loaded = loaded_again()
        say(f"reusing what an earlier run loaded (load average {load_average()})")
    else:
        say(
            f"load: {scale.people:,} people, {scale.content:,} content items, "
            f"{scale.shares:,} shares, {scale.clicks:,} clicks, ~{scale.conversions:,} conversions"
            f" over {scale.days} days (load average {load_average()})"
        )
        loaded = load(scale, say=say, now=now)
    table_sizes(say)
    if not args.reuse or args.rollups:
        say("\nrollups:")
        built = build_rollups(loaded, now=now, say=say)
        slowest = built["rebuild_slowest"]
        if slowest is not None:
            took = slowest.seconds * 1000
            say(f"  the slowest run of the rebuild's costliest read ({took:.0f} ms):")
            say("    " + " ".join(slowest.sql.split())[:1500])
            for line in explain(slowest):
                say("    | " + line)
        table_sizes(say)
    goals_set(loaded, say)
    say(f"\nmeasure: {args.rounds} rounds, raw baseline in {args.raw_rounds} of them")
    cases = cases_for(loaded, now=dt.datetime.now(dt.UTC))
    timing = measure(cases, rounds=args.rounds, raw_rounds=args.raw_rounds, say=say)
    ok, _problems = report(cases, say)
    say(
        f"\nload average before / after the measurement: {timing['load_before']} / "
        f"{timing['load_after']} ({timing['seconds']:.0f} s); PostgreSQL "
        f"{connection.cursor().connection.info.server_version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs"
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--clicks", type=int, default=10_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--content", type=int, default=10_000)
    parser.add_argument("--shares", type=int, default=0, help="default: one per 20 clicks")
    parser.add_argument("--conversions", type=int, default=None, help="default: 0.3 %% of clicks")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--rounds", type=int, default=50, help="requests per rollup case")
    parser.add_argument("--raw-rounds", type=int, default=5, help="runs of each raw baseline")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="measure again what a --keep run left in DATABASE (migrated first; kept)",
    )
    parser.add_argument("--rollups", action="store_true", help="with --reuse: rebuild them too")
    args = parser.parse_args()

    name = args.reuse or f"ouendan_bench_{os.getpid()}"
    created = not args.reuse
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="ouendan-bench-"))

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if created:
        database_create(args.server, name)
    say_flush(f"database {name} on {urlsplit(args.server).hostname}")
    try:
        setup_django(database_url(args.server, name), var_dir)
        code = run(args, say_flush)
        say_flush(f"\ntotal {time.perf_counter() - started:.0f} s")
        return code
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep or not created:
            say_flush(
                f"kept the database {name} (measure again: --reuse {name}; "
                f"drop it: psql -c 'DROP DATABASE {name}')"
            )
        else:
            database_drop(args.server, name)
            say_flush(f"dropped the database {name}")
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
