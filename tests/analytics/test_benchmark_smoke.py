"""``benchmarks/analytics.py`` at a tiny scale, so that the benchmark cannot rot.

On PostgreSQL the benchmark's own loader (COPY, ``INSERT … SELECT generate_series``) writes a small
organization into the test database, the rollups are built with the worker's code, and a short
measurement runs: the summary API and the overview through the test client, and the baseline
over raw events, whose figures must equal the API's. The loader is PostgreSQL's, so on SQLite
that test skips; the suite's PostgreSQL run (CI) exercises it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "analytics.py"


def benchmark() -> ModuleType:
    name = "ouendan_benchmarks_analytics"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARK)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_percentiles_interpolate_between_ranks() -> None:
    percentile = benchmark().percentile
    samples = [float(n) for n in range(1, 101)]  # 1 … 100
    assert percentile(samples, 50) == pytest.approx(50.5)
    assert percentile(samples, 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0


@pytest.mark.postgres
@pytest.mark.django_db
def test_loader_rollups_and_measurement_at_a_tiny_scale() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "benchmarks/analytics.py loads with PostgreSQL's COPY and generate_series; "
            "the suite's PostgreSQL run covers it"
        )
    from django.db.models import Sum
    from django.utils import timezone

    from ouendan.analytics.models import DailyRollup, KpiGoal
    from ouendan.sharing.models import Share
    from ouendan.tracking.models import Click, Conversion, TrackedLink

    bench = benchmark()
    scale = bench.Scale(
        people=300, tree=(2, 2, 2), content=40, campaigns=3, shares=200, clicks=2000,
        conversions=40, days=7,
    )  # fmt: skip
    now = timezone.now()
    said: list[str] = []
    loaded = bench.load(scale, say=said.append, now=now)

    org = loaded.organization
    assert Share.objects.filter(organization=org).count() == 200
    assert TrackedLink.objects.filter(organization=org).count() == 200
    clicks = Click.objects.filter(organization=org)
    assert clicks.count() == 2000
    assert not clicks.filter(aggregated=False).exists()
    assert not clicks.filter(at__gt=now).exists()
    assert not clicks.filter(at__lt=now - dt.timedelta(days=scale.days + 1)).exists()
    # Written in time order, as the redirect writes them.
    ats = list(clicks.order_by("id").values_list("at", flat=True))
    assert ats == sorted(ats)
    assert 0.05 < clicks.filter(bot=True).count() / 2000 < 0.2
    assert Conversion.objects.filter(organization=org).exists()
    assert any(line.strip().startswith("clicks (INSERT") for line in said)

    built = bench.build_rollups(loaded, now=now, say=said.append, increment=100)
    assert built["rebuild"][1] >= scale.days
    assert built["increment"][1] >= 1  # today, rebuilt after its 100 new clicks
    assert DailyRollup.objects.filter(organization=org).exists()
    assert bench.explain(built["rebuild_slowest"])  # the plan of a read, as it ran
    # EXPLAIN ANALYZE runs what it explains: a write is undone afterwards.
    clicks = DailyRollup.objects.filter(organization=org).aggregate(n=Sum("clicks"))["n"]
    write = bench.Statement("UPDATE analytics_dailyrollup SET clicks = clicks + 1", None, 0.0)
    assert any("Update on analytics_dailyrollup" in line for line in bench.explain(write))
    assert DailyRollup.objects.filter(organization=org).aggregate(n=Sum("clicks"))["n"] == clicks

    bench.goals_set(loaded, said.append)
    bench.goals_set(loaded, said.append)  # once per database
    assert KpiGoal.objects.filter(organization=org).count() == 2
    cases = bench.cases_for(loaded, now=timezone.now())
    bench.measure(cases, rounds=1, raw_rounds=1, say=said.append, warmup=1)
    _ok, problems = bench.report(cases, said.append, explain_slow=False)
    assert not [p for p in problems if "differs" in p], problems  # rollups = raw events
    assert all(case.samples for case in cases)
    api = next(case for case in cases if case.label.startswith("summary API, 90 days")).result
    assert api["clicks"] == Click.objects.filter(organization=org, bot=False, is_self=False).count()
