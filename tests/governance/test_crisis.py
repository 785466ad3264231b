"""The crisis pause: one switch with a reason, a banner for everyone, scheduled content held
(not lost) and released after a confirmed resume; audited; the API and the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouendan.accounts.models import AuditEvent
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.content.services.items import content_lifecycle_advance, content_publish_now
from ouendan.core.errors import Conflict, DomainError
from ouendan.governance.selectors import crisis_pause_active
from ouendan.governance.services.crisis import crisis_pause_end, crisis_pause_start
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.content.conftest import approved
from tests.factories import actor, make_person


@pytest.fixture
def pm(org):
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 美咲")


def test_the_pause_holds_a_scheduled_item_and_releases_it(pm, curator_actor, reviewer_actor):
    soon = timezone.now() + timedelta(hours=1)
    item = approved(curator_actor, reviewer_actor, publish_at=soon)
    assert item.status == ContentItem.Status.SCHEDULED
    crisis_pause_start(actor=actor(pm), reason="報道を受けて確認中")
    assert content_lifecycle_advance(now=soon + timedelta(minutes=5)) == {
        "published": 0,
        "expired": 0,
    }
    item.refresh_from_db()
    assert item.status == ContentItem.Status.SCHEDULED  # held, not lost
    with pytest.raises(Conflict) as caught:
        content_publish_now(actor=curator_actor, content_id=item.pk)
    assert caught.value.code == "paused"
    with pytest.raises(DomainError) as caught:
        crisis_pause_end(actor=actor(pm), confirm=False)
    assert caught.value.code == "confirm_required"
    crisis_pause_end(actor=actor(pm), confirm=True, note="確認が取れました")
    assert content_lifecycle_advance(now=soon + timedelta(minutes=6))["published"] == 1
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
    actions = list(
        AuditEvent.objects.filter(action__startswith="crisis.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["crisis.paused", "crisis.resumed"]


def test_approving_during_a_pause_schedules_instead_of_publishing(
    pm, curator_actor, reviewer_actor
):
    crisis_pause_start(actor=actor(pm), reason="確認中")
    item = approved(curator_actor, reviewer_actor, publish_at=timezone.now() - timedelta(hours=1))
    assert item.status == ContentItem.Status.SCHEDULED
    crisis_pause_end(actor=actor(pm), confirm=True)
    content_lifecycle_advance(now=timezone.now())
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED


def test_the_switch_rules(pm, org, other_org, curator_actor):
    with pytest.raises(DomainError):
        crisis_pause_start(actor=actor(pm), reason="  ")
    with pytest.raises(PermissionDenied):
        crisis_pause_start(actor=curator_actor, reason="x")
    crisis_pause_start(actor=actor(pm), reason="確認中")
    with pytest.raises(Conflict):
        crisis_pause_start(actor=actor(pm), reason="もう一度")
    assert crisis_pause_active(org.pk) is not None
    assert crisis_pause_active(other_org.pk) is None  # one organization's switch
    crisis_pause_end(actor=actor(pm), confirm=True)
    with pytest.raises(Conflict):
        crisis_pause_end(actor=actor(pm), confirm=True)
    assert crisis_pause_active(org.pk) is None


def test_everyone_sees_the_banner(pm, advocate):
    crisis_pause_start(actor=actor(pm), reason="製品不具合の報道を受け、状況を確認中です")
    page = signed_in(advocate, language="en").get("/").content.decode()
    assert "Sharing is paused for the whole organization." in page
    assert "製品不具合の報道を受け、状況を確認中です" in page


def test_the_api(pm, advocate):
    api, everyone = Api(token_for(pm)), Api(token_for(advocate))
    assert everyone.get("/crisis-pause").json()["paused"] is False
    started = api.post("/crisis-pause", {"reason": "確認中"})
    assert started.status_code == 201 and started.json()["paused"] is True
    status = everyone.get("/crisis-pause").json()
    assert (status["paused"], status["reason"], status["started_by"]) == (
        True,
        "確認中",
        "広報 美咲",
    )
    assert_error(everyone.post("/crisis-pause", {"reason": "x"}), 403)
    assert_error(api.post("/crisis-pause", {"reason": "x"}), 409, "already_paused")
    assert_error(api.post("/crisis-pause/resume", {"confirm": False}), 400, "confirm_required")
    resumed = api.post("/crisis-pause/resume", {"confirm": True}).json()
    assert resumed["paused"] is False and resumed["ended_at"]
    assert_error(api.post("/crisis-pause/resume", {"confirm": True}), 409, "not_paused")


def test_the_page(pm):
    client = signed_in(pm, language="en")
    assert "Pause all sharing" in client.get("/governance/crisis/").content.decode()
    client.post("/governance/crisis/pause/", {"reason": "確認中"})
    page = client.get("/governance/crisis/").content.decode()
    assert "Resume sharing" in page
    client.post("/governance/crisis/resume/", {"note": "再開"})  # not confirmed
    assert crisis_pause_active(pm.organization_id) is not None
    client.post("/governance/crisis/resume/", {"confirm": "on", "note": "再開"})
    assert crisis_pause_active(pm.organization_id) is None
    assert "確認中" in client.get("/governance/crisis/").content.decode()  # the record
