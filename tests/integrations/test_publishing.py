"""Posting through connected accounts, against the fake networks over real HTTP: scheduling
rules, the state machine, retries, reconciliation (exactly once), the crisis pause."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.core.errors import Conflict, DomainError
from ouendan.governance.services.crisis import crisis_pause_end, crisis_pause_start
from ouendan.governance.services.policy import policy_acknowledge
from ouendan.integrations.models import ConnectedAccount, ScheduledPost
from ouendan.integrations.services.publishing import (
    LEASE,
    post_cancel,
    post_publish,
    post_reschedule,
    post_retry,
    post_schedule,
    posting_time_suggest,
    posts_due,
    posts_reconcile,
)
from ouendan.sharing.models import Share
from ouendan.tracking.links import tracked_url
from tests.factories import actor, make_person
from tests.integrations.connecting import allow_networks, connect, point_settings_at, ready
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeNetwork, FakeX
from tests.sharing.conftest import curator, curator_actor, item, reviewer, reviewer_actor, sharer

__all__ = ["curator", "curator_actor", "item", "reviewer", "reviewer_actor", "sharer"]

pytestmark = pytest.mark.django_db
State = ScheduledPost.State
TOKYO = ZoneInfo("Asia/Tokyo")
FAKES = {"bluesky": FakeBluesky, "mastodon": FakeMastodon, "linkedin": FakeLinkedIn, "x": FakeX}


@pytest.fixture(params=list(FAKES))
def network(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fake(network: str, settings: Any) -> Any:
    with FAKES[network]() as running:
        if isinstance(running, FakeLinkedIn):
            running.app_scopes.add("r_member_social")
            settings.LINKEDIN_SCOPES = "openid profile w_member_social r_member_social"
        point_settings_at(settings, running)
        yield running
    assert running.errors == []


@pytest.fixture
def connected(sharer: Actor, admin: Membership, fake: FakeNetwork) -> ConnectedAccount:
    allow_networks(admin)
    return connect(sharer, admin, fake)


def _posts(fake: Any) -> list[Any]:
    posts = fake.posts
    return list(posts.values()) if isinstance(posts, dict) else list(posts)


def _links_of(fake: Any, network: str) -> str:
    """Where the network shows the post's link: its text, X's expanded URLs (the text shows
    t.co), LinkedIn's article card."""
    post = _posts(fake)[-1]
    if network == "bluesky":
        return str(post.value["text"])
    if network == "linkedin":
        return str(post["content"]["article"]["source"])
    if network == "mastodon":
        return str(post["content"])
    return " ".join(u["expanded_url"] for u in post["entities"]["urls"])


def test_post_now_goes_out_once_with_the_personal_link(
    sharer: Actor, item: ContentItem, connected: ConnectedAccount, fake: Any, network: str,
    immediate_tasks: None, django_capture_on_commit_callbacks: Any,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = post_schedule(
            actor=sharer, content_id=item.pk, network=network, text="私も話します！"
        )
    post = ScheduledPost.objects.get(pk=scheduled.post.pk)
    assert post.state == State.PUBLISHED, (post.error_code, post.error_message)
    assert len(_posts(fake)) == 1
    share = Share.objects.select_related("link").get(pk=post.share_id)
    assert share.method == Share.Method.DIRECT and share.intent_url == ""
    assert share.status == Share.Status.POSTED and share.confirmed_at is not None
    link = tracked_url(share.link.code)
    assert link in post.text
    assert link in _links_of(fake, network)
    assert post.remote_id and post.remote_url.startswith("http")
    assert post.attempts == 1 and not post.uncertain
    assert AuditEvent.objects.filter(action="post.published", target_id=str(post.pk)).exists()
    # Running the task again changes nothing.
    assert post_publish(post_id=post.pk) == "skipped"
    assert len(_posts(fake)) == 1


def test_a_post_for_later_waits_until_it_is_due(
    sharer: Actor, item: ContentItem, connected: ConnectedAccount, fake: Any, network: str
):
    now = timezone.now()
    at = now + timedelta(hours=2)
    post = post_schedule(actor=sharer, content_id=item.pk, network=network, at=at, now=now).post
    assert post.state == State.SCHEDULED and post.scheduled_for == at
    assert posts_due(now=now) == []
    assert post_publish(post_id=post.pk, now=now) == "skipped"
    assert posts_due(now=at) == [post.pk]
    assert post_publish(post_id=post.pk, now=at) == "published"
    assert len(_posts(fake)) == 1


def test_a_worker_killed_after_the_network_took_the_post_causes_no_second_post(
    sharer: Actor, item: ContentItem, connected: ConnectedAccount, fake: Any, network: str
):
    """The network got the post, our worker died before recording it: the claim outlives its
    lease, reconciliation marks the post uncertain, the next attempt finds it."""
    now = timezone.now()
    post = post_schedule(actor=sharer, content_id=item.pk, network=network, now=now).post
    # What the dead worker did: claimed it, and the network published it.
    ScheduledPost.objects.filter(pk=post.pk).update(
        state=State.PUBLISHING, claimed_at=now, attempts=1, first_attempt_at=now
    )
    from ouendan.integrations.selectors import account_grant, account_profile, connector_for
    from ouendan.integrations.services.publishing import _outgoing

    post.refresh_from_db()
    connector = connector_for(connected.organization_id, network, connected.instance)
    first = connector.publish(account_grant(connected), account_profile(connected), _outgoing(post))
    assert len(_posts(fake)) == 1
    # Within the lease nothing happens; after it, one reconciliation.
    assert posts_reconcile(now=now + LEASE / 2) == []
    later = now + LEASE + timedelta(seconds=1)
    assert posts_reconcile(now=later) == [post.pk]
    post.refresh_from_db()
    assert post.state == State.SCHEDULED and post.uncertain
    assert post_publish(post_id=post.pk, now=later) == "published"
    post.refresh_from_db()
    assert len(_posts(fake)) == 1
    assert post.remote_id == first.remote_id and not post.uncertain


def test_a_network_that_cannot_tell_fails_rather_than_posting_twice(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    """LinkedIn without r_member_social: an interrupted attempt cannot be checked."""
    with FakeLinkedIn() as fake:
        ready(fake, sharer, admin, settings)
        now = timezone.now()
        post = post_schedule(actor=sharer, content_id=item.pk, network="linkedin", now=now).post
        fake.fail_next("POST", "/rest/posts", 503)
        assert post_publish(post_id=post.pk, now=now) == "retry"
        post.refresh_from_db()
        assert post.state == State.SCHEDULED and post.uncertain
        assert post.next_attempt_at == now + timedelta(minutes=1)
        assert post_publish(post_id=post.pk, now=post.next_attempt_at) == "failed"
        post.refresh_from_db()
        assert (post.state, post.error_code) == (State.FAILED, "cannot_tell")
        assert not fake.posts
        # The owner must say they checked their profile before it is sent again.
        with pytest.raises(DomainError) as refused:
            post_retry(actor=sharer, post_id=post.pk)
        assert refused.value.code == "check_first"
        post_retry(actor=sharer, post_id=post.pk, checked=True)
        post.refresh_from_db()
        assert not post.uncertain and post.state == State.SCHEDULED
        assert post_publish(post_id=post.pk) == "published"
        assert len(fake.posts) == 1


def test_rate_limits_are_honoured_and_the_account_rests(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeMastodon() as fake:
        account = ready(fake, sharer, admin, settings)
        now = timezone.now()
        post = post_schedule(actor=sharer, content_id=item.pk, network="mastodon", now=now).post
        fake.rate_limit_next("POST", "/api/v1/statuses", seconds=600)
        assert post_publish(post_id=post.pk, now=now) == "retry"
        post.refresh_from_db()
        account.refresh_from_db()
        assert post.error_code == "rate_limited" and not post.uncertain
        assert post.next_attempt_at >= now + timedelta(seconds=590)
        assert account.rate_limited_until == post.next_attempt_at
        assert post_publish(post_id=post.pk, now=now + timedelta(minutes=5)) == "skipped"
        assert post_publish(post_id=post.pk, now=post.next_attempt_at) == "published"
        assert len(fake.posts) == 1


def test_rejected_content_fails_at_once_with_the_networks_reason(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeMastodon(max_characters=20) as fake:
        account = ready(fake, sharer, admin, settings)
        assert account.text_limit == 20
        # Our own check knows the server's limit before anything is sent…
        with pytest.raises(DomainError) as too_long:
            post_schedule(actor=sharer, content_id=item.pk, network="mastodon")
        assert too_long.value.code == "too_long"
        assert not ScheduledPost.objects.exists() and not Share.objects.exists()
        # …and when the network refuses anyway, its words reach the person.
        account.text_limit = None
        account.save()
        post = post_schedule(actor=sharer, content_id=item.pk, network="mastodon").post
        assert post_publish(post_id=post.pk) == "failed"
        post.refresh_from_db()
        assert post.error_code == "rejected" and "character limit" in post.error_message
        assert not fake.posts


def test_an_expired_token_is_refreshed_and_the_post_goes_out(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        account = ready(fake, sharer, admin, settings)
        old_access = account.access_token
        fake.expire_access_tokens()
        post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
        assert post_publish(post_id=post.pk) == "published"
        account.refresh_from_db()
        assert account.access_token != old_access and len(fake.posts) == 1


def test_a_refused_refresh_asks_the_person_to_reconnect(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        account = ready(fake, sharer, admin, settings)
        fake.expire_access_tokens()
        fake.expire_refresh_tokens()
        post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
        assert post_publish(post_id=post.pk) == "failed"
        post.refresh_from_db()
        account.refresh_from_db()
        assert post.error_code == "account_needs_reconnect"
        assert account.status == ConnectedAccount.Status.NEEDS_RECONNECT
        assert len(mail.outbox) == 1 and "Bluesky" in mail.outbox[0].subject
        with pytest.raises(Conflict) as refused:
            post_retry(actor=sharer, post_id=post.pk)
        assert refused.value.code == "not_connected"
        assert not fake.posts


def test_the_crisis_pause_holds_due_posts_and_resuming_releases_them(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        ready(fake, sharer, admin, settings)
        now = timezone.now()
        at = now + timedelta(minutes=30)
        post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky", at=at).post
        crisis_pause_start(actor=actor(admin), reason="製品の不具合を確認中")
        assert posts_due(now=at) == []
        post.refresh_from_db()
        assert post.state == State.HELD
        assert post_publish(post_id=post.pk, now=at) == "skipped"
        assert not fake.posts
        crisis_pause_end(actor=actor(admin), confirm=True)
        later = at + timedelta(hours=1)
        assert posts_due(now=later) == [post.pk]
        assert post_publish(post_id=post.pk, now=later) == "published"
        assert len(fake.posts) == 1


def test_scheduling_keeps_the_sharing_hours_the_cap_and_spreads_colleagues(
    org: Any, sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        allow_networks(
            admin, hours_start=time(8, 0), hours_end=time(21, 0), daily_cap=2, spread_minutes=30
        )
        connect(sharer, admin, fake)
        colleague = make_person(org)
        policy_acknowledge(actor=actor(colleague))
        fake.add_account("kasumi.bsky.social", "qrst-uvwx-yz23-4567", "did:plc:kasumi")
        from ouendan.integrations.services.accounts import account_connect_bluesky

        account_connect_bluesky(
            actor=actor(colleague),
            handle="kasumi.bsky.social",
            app_password="qrst-uvwx-yz23-4567",
            service=fake.url,
        )
        now = datetime(2026, 12, 7, 9, 0, tzinfo=TOKYO)
        # 23:00 is outside the hours: the next opening, 08:00 the next day.
        late = post_schedule(
            actor=sharer, content_id=item.pk, network="bluesky",
            at=datetime(2026, 12, 7, 23, 0, tzinfo=TOKYO), now=now,
        )  # fmt: skip
        assert late.post.scheduled_for == datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO)
        assert "08:00" in late.notes[0]
        # A colleague asking for the same minute goes 30 minutes later.
        spread = post_schedule(
            actor=actor(colleague), content_id=item.pk, network="bluesky",
            at=datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO), now=now,
        )  # fmt: skip
        assert spread.post.scheduled_for == datetime(2026, 12, 8, 8, 30, tzinfo=TOKYO)
        assert any("08:30" in note for note in spread.notes)
        # Two a day at most.
        post_schedule(
            actor=sharer, content_id=item.pk, network="bluesky",
            at=datetime(2026, 12, 8, 12, 0, tzinfo=TOKYO), now=now,
        )  # fmt: skip
        with pytest.raises(DomainError) as capped:
            post_schedule(
                actor=sharer, content_id=item.pk, network="bluesky",
                at=datetime(2026, 12, 8, 15, 0, tzinfo=TOKYO), now=now,
            )  # fmt: skip
        assert capped.value.code == "daily_cap"
        with pytest.raises(DomainError) as past:
            post_schedule(
                actor=sharer, content_id=item.pk, network="bluesky",
                at=now - timedelta(hours=1), now=now,
            )  # fmt: skip
        assert past.value.code == "time_past"
        # A suggested time is inside the hours and at least ten minutes away.
        suggested = posting_time_suggest(
            actor=sharer, content_id=item.pk, network="bluesky", now=now
        )
        local = suggested.at.astimezone(TOKYO)
        assert time(8, 0) <= local.time() < time(21, 0) and suggested.at > now


def test_cancel_reschedule_and_what_cannot_change(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        ready(fake, sharer, admin, settings)
        now = timezone.now()
        post = post_schedule(
            actor=sharer, content_id=item.pk, network="bluesky", at=now + timedelta(hours=1)
        ).post
        plan = post_reschedule(actor=sharer, post_id=post.pk, at=now + timedelta(hours=3))
        post.refresh_from_db()
        assert post.scheduled_for == plan.at == post.next_attempt_at
        share_id = post.share_id
        post_cancel(actor=sharer, post_id=post.pk)
        post.refresh_from_db()
        assert post.state == State.CANCELLED and post.share_id is None
        assert not Share.objects.filter(pk=share_id).exists()  # never public, not kept
        assert post_publish(post_id=post.pk, now=now + timedelta(hours=4)) == "skipped"
        published = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
        post_publish(post_id=published.pk)
        with pytest.raises(Conflict):
            post_cancel(actor=sharer, post_id=published.pk)
        with pytest.raises(Conflict):
            post_reschedule(actor=sharer, post_id=published.pk, at=now + timedelta(hours=5))
        assert len(fake.posts) == 1


def test_a_post_needs_a_connection_and_a_network_switched_on(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    allow_networks(admin, ["mastodon"])
    with pytest.raises(Conflict) as missing:
        post_schedule(actor=sharer, content_id=item.pk, network="mastodon")
    assert missing.value.code == "not_connected"
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        with pytest.raises(DomainError) as off:
            connect(sharer, admin, fake)
        assert off.value.code == "network_disabled"


def test_what_the_crisis_pause_held_goes_out_within_hours_and_spread(
    org: Any, sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        allow_networks(admin, hours_start=time(8, 0), hours_end=time(21, 0), spread_minutes=15)
        connect(sharer, admin, fake)
        colleague = make_person(org)
        policy_acknowledge(actor=actor(colleague))
        fake.add_account("kasumi.bsky.social", "qrst-uvwx-yz23-4567", "did:plc:kasumi")
        from ouendan.integrations.services.accounts import account_connect_bluesky

        account_connect_bluesky(
            actor=actor(colleague), handle="kasumi.bsky.social",
            app_password="qrst-uvwx-yz23-4567", service=fake.url,
        )  # fmt: skip
        noon = datetime(2026, 12, 8, 12, 0, tzinfo=TOKYO)
        first = post_schedule(
            actor=sharer, content_id=item.pk, network="bluesky", at=noon,
            now=noon - timedelta(hours=2),
        ).post  # fmt: skip
        second = post_schedule(
            actor=actor(colleague), content_id=item.pk, network="bluesky", at=noon,
            now=noon - timedelta(hours=2),
        ).post  # fmt: skip
        crisis_pause_start(actor=actor(admin), reason="確認中")
        posts_due(now=noon + timedelta(minutes=20))
        crisis_pause_end(actor=actor(admin), confirm=True)
        # Resumed at 23:00: not at night, and not both at the same minute.
        posts_due(now=datetime(2026, 12, 8, 23, 0, tzinfo=TOKYO))
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.state == second.state == State.SCHEDULED
        times = sorted([first.scheduled_for, second.scheduled_for])
        assert times[0] == datetime(2026, 12, 9, 8, 0, tzinfo=TOKYO)
        assert times[1] - times[0] >= timedelta(minutes=15)


def test_a_network_switched_off_stops_its_waiting_posts(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeX() as fake:
        ready(fake, sharer, admin, settings)
        post = post_schedule(actor=sharer, content_id=item.pk, network="x").post
        allow_networks(admin, ["bluesky"])  # X bills per post: the program switches it off
        assert post_publish(post_id=post.pk) == "failed"
        post.refresh_from_db()
        assert post.error_code == "network_disabled" and not fake.posts


def test_cancelling_a_post_that_may_be_out_keeps_its_link(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        ready(fake, sharer, admin, settings)
        post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
        ScheduledPost.objects.filter(pk=post.pk).update(
            state=State.FAILED, uncertain=True, error_code="cannot_tell"
        )
        post_cancel(actor=sharer, post_id=post.pk)
        post.refresh_from_db()
        assert post.state == State.CANCELLED
        assert Share.objects.filter(pk=post.share_id).exists()


def test_removing_the_organizations_app_closes_its_connections(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    from ouendan.integrations.services.settings import network_app_remove

    with FakeX() as fake:
        account = ready(fake, sharer, admin, settings)
        waiting = post_schedule(
            actor=sharer, content_id=item.pk, network="x",
            at=timezone.now() + timedelta(hours=3),
        ).post  # fmt: skip
        assert network_app_remove(actor=actor(admin), network="x") == 1
        account.refresh_from_db()
        waiting.refresh_from_db()
        assert account.status == "disconnected" and waiting.state == State.CANCELLED
        assert fake.seen("POST", "/2/oauth2/revoke")  # revoked while the app still existed
        with pytest.raises(DomainError) as gone:
            from ouendan.integrations.services.accounts import account_authorize_start

            account_authorize_start(actor=sharer, network="x")
        assert gone.value.code == "app_missing"


def test_an_organization_token_has_no_accounts(org: Any, item: ContentItem, admin: Membership):
    from django.core.exceptions import PermissionDenied

    from ouendan.accounts.permissions import system_actor
    from ouendan.integrations.services.accounts import (
        account_authorize_start,
        account_connect_bluesky,
    )

    allow_networks(admin)
    robot = system_actor(org, "org token")
    with pytest.raises(PermissionDenied):
        account_connect_bluesky(actor=robot, handle="a", app_password="b")
    with pytest.raises(PermissionDenied):
        account_authorize_start(actor=robot, network="mastodon", instance="mastodon.social")
    with pytest.raises(PermissionDenied):
        post_schedule(actor=robot, content_id=item.pk, network="bluesky")
