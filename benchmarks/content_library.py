"""Does the content library stay quick when it grows, and what does a live count cost?

Everything runs in this process on a throw-away SQLite database (demo mode, a temporary
``OUENDAN_VAR_DIR``); every figure has its baseline measured in the same run:

1. The library (``GET /content/`` and ``GET /api/v1/content``, signed in as a curator through
   Django's test client): an organization with ``--items`` content items (default 6,000, each
   with two suggested texts, a topic and a campaign) against the 66-item demo library, for the
   first page, a Japanese word (「採用」, which must be found inside longer words, so every row's
   folded text is scanned), a word nobody wrote (the worst case: nothing matches, every row is
   read), a status tab and the htmx fragment. Median milliseconds over interleaved rounds, the
   ratio, and the SQL queries per request (they must not grow with the library).
2. The editor's live count (``POST /content/measure/``) for a 140-character Japanese X text and
   for a text meant for every network (eight counts), against ``GET /healthz`` on the same
   client (the cost of a request that does nothing).

    .venv/bin/python benchmarks/content_library.py               # about 60 s on 2 cores
    .venv/bin/python benchmarks/content_library.py --items 2000  # quicker
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
WORDS = [
    "新卒採用",
    "説明会",
    "協働ロボット",
    "ミライアーム",
    "名古屋工場",
    "品質保証",
    "展示会",
    "ROS 2",
    "画像検査",
    "地域清掃",
    "エンジニア",
    "仕事体験",
    "導入事例",
    "ウェビナー",
]


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


def big_library(items: int) -> Any:
    """An organization with ``items`` items written straight to the tables (fast)."""
    from ouendan.accounts.models import Membership, Organization, RoleGrant, User
    from ouendan.accounts.roles import Role
    from ouendan.content.models import Campaign, ContentItem, Topic, Variant
    from ouendan.core.text import fold

    org = Organization.objects.create(name="株式会社大きな図書館", slug="big")
    user = User.objects.create_user("curator@big.example", None)
    curator = Membership.objects.create(organization=org, user=user, full_name="編集 大輔")
    RoleGrant.objects.create(membership=curator, role=Role.CURATOR)
    topics = [Topic.objects.create(organization=org, name=f"話題{n}") for n in range(5)]
    campaign = Campaign.objects.create(organization=org, name="大型施策", slug="big")
    statuses = ContentItem.Status.values
    rows = []
    for n in range(items):
        title = f"{WORDS[n % len(WORDS)]}のお知らせ その{n}"
        summary = f"{WORDS[(n * 7) % len(WORDS)]}について、社員がご紹介します。"
        rows.append(
            ContentItem(
                organization=org,
                title=title,
                slug=f"item-{n}",
                url=f"https://www.example.co.jp/news/{n}",
                url_key=f"https://www.example.co.jp/news/{n}",
                summary=summary,
                status=statuses[n % len(statuses)],
                campaign=campaign if n % 3 == 0 else None,
                search_text=fold(f"{title}\n{summary}"),
                created_by=curator,
            )
        )
    created = ContentItem.objects.bulk_create(rows, batch_size=1000)
    through = ContentItem.topics.through
    through.objects.bulk_create(
        (
            through(contentitem_id=item.pk, topic_id=topics[i % 5].pk)
            for i, item in enumerate(created)
        ),
        batch_size=2000,
    )
    Variant.objects.bulk_create(
        (
            Variant(organization=org, content=item, network=network, text=f"{item.title}！")
            for item in created
            for network in ("", "x")
        ),
        batch_size=2000,
    )
    return curator


def signed_in(membership: Any) -> Any:
    from django.test import Client

    from ouendan.accounts.sessions import TWO_FACTOR_VERIFIED

    client = Client(headers={"Accept-Language": "ja"})
    client.force_login(membership.user)
    session = client.session
    session[TWO_FACTOR_VERIFIED] = True
    session.save()
    return client


class Queries:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def timed(
    client: Any, method: str, url: str, data: Any = None, **headers: str
) -> tuple[float, int]:
    from django.db import connection

    queries = Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        response = getattr(client, method)(url, data, headers=headers)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, queries.count


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples)


def measure_library(big: Any, small: Any, rounds: int) -> list[str]:
    cases = [
        ("first page", "/content/", {}),
        ("「採用」 search", "/content/?q=採用", {}),
        ("no match (full scan)", "/content/?q=存在しない言葉", {}),
        ("status tab", "/content/?status=published", {}),
        ("htmx fragment", "/content/?q=説明会", {"HX-Request": "true"}),
        ("API first page", "/api/v1/content", {}),
    ]
    clients = {"big": signed_in(big), "small": signed_in(small)}
    lines = [
        f"{'library request':<24}{'demo (66) ms':>14}{'big ms':>10}{'ratio':>8}{'queries':>12}"
    ]
    for label, url, headers in cases:
        samples: dict[str, list[float]] = {"big": [], "small": []}
        counts: dict[str, int] = {}
        for client in clients.values():  # warm-up
            timed(client, "get", url, **headers)
        for _ in range(rounds):
            for name, client in clients.items():
                ms, count = timed(client, "get", url, **headers)
                samples[name].append(ms)
                counts[name] = count
        small_ms, big_ms = median_ms(samples["small"]), median_ms(samples["big"])
        lines.append(
            f"{label:<24}{small_ms:>14.1f}{big_ms:>10.1f}{big_ms / small_ms:>7.2f}×"
            f"{counts['small']:>6} / {counts['big']:<4}"
        )
    return lines


def measure_counts(curator: Any, rounds: int) -> list[str]:
    client = signed_in(curator)
    x_text = {"row": "form-0", "form-0-network": "x", "form-0-text": "採用説明会" * 28, "url": "x"}
    any_text = {**x_text, "form-0-network": ""}
    cases = [
        ("GET /healthz (baseline)", "get", "/healthz", None),
        ("measure: X, 140 chars", "post", "/content/measure/", x_text),
        ("measure: every network", "post", "/content/measure/", any_text),
    ]
    results = {}
    for label, method, url, data in cases:
        timed(client, method, url, data)
        results[label] = median_ms([timed(client, method, url, data)[0] for _ in range(rounds * 3)])
    base = results[cases[0][0]]
    return [f"{'live count request':<30}{'ms':>8}{'ratio':>8}"] + [
        f"{label:<30}{ms:>8.2f}{ms / base:>7.2f}×" for label, ms in results.items()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    started = time.perf_counter()
    var_dir = setup_django()
    try:
        from ouendan.accounts.models import Membership
        from ouendan.demo.services import demo_seed

        demo_seed()
        small = Membership.objects.get(
            organization__slug="demo", user__email="curator@demo.example"
        )
        big = big_library(args.items)
        print(f"content library: {args.items:,} items against the 66-item demo library")
        print("\n".join(measure_library(big, small, args.rounds)))
        print()
        print("\n".join(measure_counts(small, args.rounds)))
        print(f"\n({time.perf_counter() - started:.0f} s)")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
