"""The program overview's figures: the period and the one before, the trend, participation by
department, the networks and the top content, read together and kept until the rollups change.

At 10 million clicks the overview reads several hundred thousand rollup rows
(``benchmarks/analytics.py``); its figures only change when the worker rebuilds one of the
organization's days, so they are computed once per change (``analytics.cache``). What changes
without a rebuild is read every time: the enrolled advocates (someone joins the program), the
names of the rows, and the scope (a manager's departments, in ``Filters``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max, Q

from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Actor, system_actor
from ouendan.analytics.cache import remembered, rollups_state
from ouendan.analytics.metrics import Rate
from ouendan.analytics.selectors import (
    _SUMS,
    Filters,
    Point,
    Row,
    Summary,
    _rows,
    _sums,
    active_by_department,
    enrolled_by_department,
    filters_for,
    grain_for,
    label_of,
    ranking,
    rates_for,
    trend,
)
from ouendan.analytics.selectors.goals import goal_progress_list

TOP_CONTENT = 5


@dataclass
class Overview:
    summary: Summary
    previous: Summary
    grain: str
    points: list[Point]
    departments: list[Row]  # those with enrolled advocates, best participation first
    networks: list[Row]  # most clicks first
    top_content: list[Row]  # most clicks first
    as_of: dt.datetime | None  # when the rollups were last brought up to date
    # The organization's advocates enrolled today per department (read every time; the goals
    # panel counts with them too).
    enrolled: dict[int | None, int] | None = None


def overview(*, actor: Actor, filters: Filters, grain: str, labels: Any) -> Overview:
    """Everything the overview page shows, its rows named by ``labels`` (see ``ranking``)."""
    state = rollups_state(actor.organization)
    rates = rates_for(actor)
    asked: tuple[object, ...] = (
        filters.start,
        filters.end,
        None if filters.departments is None else tuple(sorted(filters.departments)),
        filters.network,
        filters.campaign_id,
        filters.content_id,
        grain,
        tuple((network, rates[network]) for network in sorted(rates)),
    )
    found: Overview = remembered(
        state=state,
        name="overview",
        asked=asked,
        compute=lambda: _computed(actor, filters, grain, rates),
    )
    found.enrolled = enrolled_by_department(actor=actor, departments=None)
    enrolled = {
        key: count
        for key, count in found.enrolled.items()
        if filters.departments is None or key in filters.departments
    }
    found.summary.enrolled_advocates = found.previous.enrolled_advocates = sum(enrolled.values())
    found.departments = _with_enrolled(found.departments, enrolled, filters)
    for dimension, rows in (
        ("department", found.departments),
        ("network", found.networks),
        ("content", found.top_content),
    ):
        names = labels(dimension, [row.key for row in rows]) if labels else {}
        for row in rows:
            row.label = label_of(dimension, row.key, names)
    found.departments.sort(key=lambda row: (-(row.participation_rate or 0), row.label))
    found.networks.sort(key=lambda row: (-row.figures.clicks, row.label))
    found.as_of = state.built_at if state else None
    return found


def overview_prepare(*, organization: Organization) -> None:
    """Compute, and keep, what an organization-wide reader's overview shows by default (the last
    30 days, every department and network) and its goals in progress: the worker calls it right
    after rebuilding one of the organization's days, so the first look after a change finds them
    kept (with a cache the web processes share, such as Redis)."""
    reader = system_actor(organization, label="analytics.prepare")
    filters = filters_for(actor=reader)
    found = overview(actor=reader, filters=filters, grain=grain_for(filters), labels=None)
    goal_progress_list(actor=reader, current_only=True, enrolled=found.enrolled)


def _computed(actor: Actor, filters: Filters, grain: str, rates: dict[str, Rate]) -> Overview:
    """The figures that come from the rollups (enrolled advocates and labels left out), as
    ``summary`` and ``ranking`` compute them, but reading the period's totals once for the
    summary, departments and networks, and the sharers' reach of both periods at once."""
    current = Summary(start=filters.start, end=filters.end)
    departments: dict[int | None, Row] = {}
    by_network: dict[str, dict[str, Any]] = {}
    for row in _sums(_rows(actor, filters, detail=False), "department_id", "network"):
        network = row["network"]
        key = row["department_id"]
        departments.setdefault(key, Row(key=key, label="")).figures.add(row, rates.get(network))
        sums = by_network.setdefault(network, dict.fromkeys(_SUMS, 0))
        for name in _SUMS:
            sums[name] += row[name] or 0
    networks = []
    for network, sums in by_network.items():
        current.add(sums, rates.get(network))
        line = Row(key=network, label="")
        line.figures.add(sums, rates.get(network))
        networks.append(line)
    before = filters.previous()
    previous = Summary(start=before.start, end=before.end)
    for row in _sums(_rows(actor, before, detail=False), "network"):
        previous.add(row, rates.get(row["network"]))
    (
        (current.potential_reach, current.active_advocates),
        (previous.potential_reach, previous.active_advocates),
    ) = _reach_and_active_of_both(actor, filters)
    for key, count in active_by_department(actor=actor, filters=filters).items():
        departments.setdefault(key, Row(key=key, label="")).active_advocates = count
    for line in departments.values():
        line.active_advocates = line.active_advocates or 0
    return Overview(
        summary=current,
        previous=previous,
        grain=grain,
        points=trend(actor=actor, filters=filters, grain=grain),
        departments=list(departments.values()),
        networks=networks,
        top_content=ranking(
            actor=actor,
            filters=filters,
            dimension="content",
            limit=TOP_CONTENT,
            with_reach=False,
        ).rows,
        as_of=None,
    )


def _reach_and_active_of_both(
    actor: Actor, filters: Filters
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Potential reach and active advocates of the period and of the period before, counted as
    ``summary`` counts them, from one pass over the sharers of both."""
    before = filters.previous()
    inner = (
        _rows(actor, replace(filters, start=before.start), detail=True)
        .filter(shares__gt=0)
        .values("membership_id", "network")
        .annotate(
            reach_now=Max("reach", filter=Q(day__gte=filters.start)),
            reach_then=Max("reach", filter=Q(day__lte=before.end)),
        )
        .order_by()
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a scope without departments (a manager who has none)
        return (0, 0), (0, 0)
    people = "COUNT(DISTINCT CASE WHEN t.{0} IS NOT NULL THEN t.membership_id END)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(t.reach_now), 0), {people.format('reach_now')}, "  # noqa: S608
            f"COALESCE(SUM(t.reach_then), 0), {people.format('reach_then')} FROM ({sql}) t",
            params,
        )
        now_reach, now_active, then_reach, then_active = cursor.fetchone()
    return (int(now_reach), int(now_active)), (int(then_reach), int(then_active))


def _with_enrolled(rows: list[Row], enrolled: dict[int | None, int], filters: Filters) -> list[Row]:
    """Department rows with today's enrolled advocates: those with any (a department where
    nobody shared included)."""
    by_key = {row.key: row for row in rows}
    for key in enrolled:
        if key is None and filters.departments is not None:
            continue
        by_key.setdefault(key, Row(key=key, label="", active_advocates=0))
    found = []
    for key, row in by_key.items():
        row.enrolled_advocates = enrolled.get(key, 0)
        if row.enrolled_advocates:
            found.append(row)
    return found
