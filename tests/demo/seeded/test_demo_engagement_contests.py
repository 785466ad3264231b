"""The demo's contests, rewards and shout-outs: a running team contest with standings, a catalog
of five rewards with one request waiting, and a few shout-outs — the same every time the demo is
seeded."""

from __future__ import annotations

from collections import Counter

import pytest

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import actor_for_membership
from ouendan.engagement.models import (
    Announcement,
    Contest,
    ContestParticipant,
    Redemption,
    Reward,
    ShoutOut,
)
from ouendan.engagement.selectors_contests import contest_standings
from ouendan.engagement.selectors_recognition import community
from tests.conftest import signed_in

pytestmark = pytest.mark.xdist_group("demo-seed")  # one worker, one seed (conftest.py)


def _person(email: str) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization__slug="demo", user__email=email
    )


@pytest.fixture
def org(seeded) -> Organization:
    return Organization.objects.get(slug="demo")


def test_a_team_contest_is_running_with_standings(org: Organization):
    running = Contest.objects.get(organization=org, status="active")
    assert (running.kind, running.teams, running.team_size) == ("team", "random", 4)
    sizes = Counter(
        ContestParticipant.objects.filter(contest=running).values_list("team__number", flat=True)
    )
    assert None not in sizes and len(sizes) >= 3
    assert max(sizes.values()) - min(sizes.values()) <= 1
    standings = contest_standings(
        actor=actor_for_membership(_person("advocate@demo.example")), contest_id=running.pk
    )
    assert standings.card.phase == "running" and standings.me is None  # the tour's to join
    assert any(team.score > 0 for team in standings.teams)
    assert standings.people


def test_the_community_block_has_the_open_contest_and_shout_outs(org: Organization):
    assert not Contest.objects.filter(organization=org).exclude(status="active").exists()
    assert not Announcement.objects.filter(organization=org).exists()
    reader = actor_for_membership(_person("advocate@demo.example"))
    block = community(actor=reader)
    assert block.open_contests == 1 and block.shout_outs


def test_five_rewards_one_approved_and_one_waiting(org: Organization):
    assert Reward.objects.filter(organization=org, active=True).count() == 5
    statuses = Counter(Redemption.objects.filter(organization=org).values_list("status", flat=True))
    assert statuses == {"approved": 1, "pending": 1}
    page = signed_in(_person("pr@demo.example"), language="en").get("/engagement/rewards/program/")
    assert page.status_code == 200 and "of ¥100,000 spent" in page.content.decode()


def test_shout_outs_respect_the_recipients_choice(org: Organization):
    sent = ShoutOut.objects.filter(organization=org)
    assert sent.count() >= 4
    hidden = sent.filter(recipient__appear_as="hidden")
    assert hidden.exists()
    reader = actor_for_membership(_person("advocate@demo.example"))
    shown = {view.shout_out.pk for view in community(actor=reader, limit=50).shout_outs}
    assert not shown & set(hidden.values_list("pk", flat=True))


def test_the_tour_pages_answer(org: Organization):
    advocate = signed_in(_person("advocate@demo.example"), language="en")
    running = Contest.objects.get(organization=org, status="active")
    for path in (
        "/engagement/contests/",
        f"/engagement/contests/{running.pk}/",
        "/engagement/rewards/",
        "/engagement/recognition/",
    ):
        assert advocate.get(path).status_code == 200, path
