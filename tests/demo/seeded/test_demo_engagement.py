"""The demo's recognition: ledgers the real awarding job made from the quarter's shares, clicks
and conversions, with the program manager's traces (a rules change, corrections, a reversal, a
share held for review) and people appearing as they chose."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Sum

from ouendan.accounts.models import Membership, Organization
from ouendan.engagement.models import BadgeAward, PointEntry, PointRules
from ouendan.engagement.selectors import leaderboard
from tests.factories import actor

pytestmark = pytest.mark.xdist_group("demo-seed")  # one worker, one seed (conftest.py)


def test_the_demo_has_believable_ledgers(seeded):
    org = Organization.objects.get(slug="demo")
    entries = PointEntry.objects.filter(organization=org)
    reasons = Counter(entries.values_list("reason", flat=True))
    assert {"share", "clicks", "conversion", "streak", "adjustment", "reversal"} <= set(reasons)
    assert reasons["share"] >= 100 and reasons["clicks"] >= 100
    assert entries.filter(status="pending", flag="repeat_visitor").count() == 1
    assert entries.filter(status="pending", flag="").exists()  # the last day's, in their hold
    versions = PointRules.objects.filter(organization=org).order_by("version")
    assert [(v.version, v.click_points) for v in versions] == [(1, 2), (2, 3)]
    assert versions[0].effective_from < versions[1].effective_from
    # Clicks before the change earned 2 each, after it 3 each.
    by_version = {
        e.rule_version.version: e.points // e.params["clicks"]
        for e in entries.filter(reason="clicks").select_related("rule_version")
    }
    assert by_version == {1: 2, 2: 3}
    badges = Counter(BadgeAward.objects.filter(organization=org).values_list("badge", flat=True))
    assert set(badges) == {"first_share", "ten_shares", "first_applicant", "four_week_streak"}
    advocate = Membership.objects.get(organization=org, user__email="advocate@demo.example")
    mine = set(entries.filter(membership=advocate).values_list("reason", flat=True))
    assert mine == {"suggestion"}  # a suggestion was accepted; their first share is the tour


def test_the_leaderboard_shows_people_as_they_chose(seeded):
    org = Organization.objects.get(slug="demo")
    viewer = Membership.objects.get(organization=org, user__email="advocate@demo.example")
    board = leaderboard(actor=actor(viewer), period="all", limit=200)
    assert len(board.entries) >= 50
    assert board.me is not None and board.me.points == 20  # the accepted suggestion
    hidden = set(
        Membership.objects.filter(organization=org, appear_as="hidden").values_list(
            "full_name", flat=True
        )
    )
    nicknames = set(
        Membership.objects.filter(organization=org, appear_as="nickname").values_list(
            "nickname", flat=True
        )
    )
    shown = {s.name for s in board.entries}
    assert len(hidden) == 2 and not hidden & shown
    assert nicknames & shown
    top = (
        PointEntry.objects.filter(organization=org, status="confirmed")
        .exclude(reason="redemption")  # spending points does not lower a rank
        .values("membership_id")
        .annotate(total=Sum("points"))
        .order_by("-total")
        .first()
    )
    assert top is not None and board.entries[0].points <= top["total"]
