"""Follower counts connected accounts report: they become the person's audience (sharing's
``NetworkAudience``), every share on that network carries them as its potential reach, and
they win over the person's own entry while the account is connected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.core.errors import Conflict
from ouendan.integrations.models import ConnectedAccount
from ouendan.integrations.services.accounts import account_disconnect, accounts_renew
from ouendan.integrations.services.publishing import post_publish, post_schedule
from ouendan.sharing.models import NetworkAudience, Share
from ouendan.sharing.services.audience import audience_update
from ouendan.sharing.services.shares import share_create
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import OrganizationFactory, make_person
from tests.integrations.connecting import allow_networks, connect, point_settings_at
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeX
from tests.sharing.conftest import curator, curator_actor, item, reviewer, reviewer_actor, sharer

__all__ = ["curator", "curator_actor", "item", "reviewer", "reviewer_actor", "sharer"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _networks_on(admin: Membership) -> None:
    allow_networks(admin)


def audience(membership: Membership | None) -> dict[str, tuple[int, str, bool]]:
    return {
        a.network: (a.followers, a.source, a.connected)
        for a in NetworkAudience.objects.filter(membership=membership)
    }


@pytest.mark.parametrize(
    ("fake_class", "followers"),
    [(FakeBluesky, 120), (FakeMastodon, 321), (FakeX, 2024)],
    ids=["bluesky", "mastodon", "x"],
)
def test_connecting_sets_the_audience_and_shares_carry_it(
    fake_class: Any,
    followers: int,
    sharer: Actor,
    item: ContentItem,
    admin: Membership,
    settings: Any,
):
    with fake_class() as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, admin, fake)
        network = account.network
        assert account.followers == followers
        assert audience(sharer.membership) == {network: (followers, "network", True)}
        # A share through the share button, and a post Ouendan makes, both carry it.
        instance = "mastodon.example" if network == "mastodon" else ""
        button = share_create(
            actor=sharer, content_id=item.pk, network=network, instance=instance
        ).share
        assert (button.method, button.reach) == ("intent", followers)
        post = post_schedule(actor=sharer, content_id=item.pk, network=network).post
        assert post_publish(post_id=post.pk) == "published"
        direct = Share.objects.get(pk=post.share_id)
        assert (direct.method, direct.reach) == ("direct", followers)


def test_a_scheduled_post_carries_the_count_known_when_it_was_asked_for(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky(followers=480) as fake:
        point_settings_at(settings, fake)
        connect(sharer, admin, fake)
        later = post_schedule(
            actor=sharer, content_id=item.pk, network="bluesky",
            at=timezone.now() + timedelta(hours=3),
        ).post  # fmt: skip
    assert Share.objects.get(pk=later.share_id).reach == 480


def test_the_network_wins_while_connected_then_the_person_may_correct_it(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    audience_update(actor=sharer, counts={"bluesky": 50})  # entered before connecting
    with FakeBluesky(followers=321) as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, admin, fake)
        assert audience(sharer.membership) == {"bluesky": (321, "network", True)}
        with pytest.raises(Conflict) as refused:
            audience_update(actor=sharer, counts={"bluesky": 999})
        assert refused.value.code == "audience_reported"
        page = signed_in(sharer.membership, language="en")  # type: ignore[arg-type]
        html = page.get("/feed/profile/").content.decode()
        assert "It updates by itself." in html and 'id="followers-bluesky" value="321"' in html
        account_disconnect(actor=sharer, account_id=account.pk)
    # The last reported count stays (the next share still carries it) and is editable.
    assert audience(sharer.membership) == {"bluesky": (321, "network", False)}
    assert share_create(actor=sharer, content_id=item.pk, network="bluesky").share.reach == 321
    html = page.get("/feed/profile/").content.decode()
    assert "you may correct it" in html
    page.post("/feed/profile/", {"followers-bluesky": "330"})
    assert audience(sharer.membership) == {"bluesky": (330, "self", False)}


def test_linkedin_does_not_tell_so_the_person_may(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeLinkedIn() as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, admin, fake)
    assert account.followers is None and audience(sharer.membership) == {}
    audience_update(actor=sharer, counts={"linkedin": 640})
    assert share_create(actor=sharer, content_id=item.pk, network="linkedin").share.reach == 640


def test_renewal_reads_the_count_again(sharer: Actor, admin: Membership, settings: Any):
    with FakeBluesky(followers=100) as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, admin, fake)
        fake.account.followers = 150
        assert account.refresh_expires_at is not None
        renewed_at = account.refresh_expires_at - timedelta(days=10)
        assert accounts_renew(now=renewed_at) == 1
    account.refresh_from_db()
    assert (account.followers, account.followers_at) == (150, renewed_at)
    (row,) = NetworkAudience.objects.filter(membership=sharer.membership)
    assert (row.followers, row.source, row.connected, row.learned_at) == (
        150,
        "network",
        True,
        renewed_at,
    )


def test_a_lapsed_connection_leaves_the_count_editable(
    sharer: Actor, admin: Membership, settings: Any
):
    with FakeBluesky(followers=900) as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, admin, fake)
        fake.expire_refresh_tokens()  # the network no longer accepts the connection
        assert account.refresh_expires_at is not None
        assert accounts_renew(now=account.refresh_expires_at - timedelta(days=10)) == 0
    account.refresh_from_db()
    assert account.status == "needs_reconnect"
    assert audience(sharer.membership) == {"bluesky": (900, "network", False)}
    audience_update(actor=sharer, counts={"bluesky": 950})
    assert audience(sharer.membership) == {"bluesky": (950, "self", False)}


def test_the_api_shows_where_a_count_comes_from(
    sharer: Actor, admin: Membership, advocate: Membership, settings: Any
):
    with FakeMastodon(followers=77) as fake:
        point_settings_at(settings, fake)
        connect(sharer, admin, fake)
    api = Api(token_for(advocate))
    mastodon = next(
        n for n in api.get("/me/audience").json()["networks"] if n["network"] == "mastodon"
    )
    assert (mastodon["followers"], mastodon["source"], mastodon["editable"]) == (
        77,
        "network",
        False,
    )
    body = {"networks": [{"network": "mastodon", "followers": 80}]}
    assert_error(api.put("/me/audience", body), 409, "audience_reported")
    # Another organization's person sees none of it and changes nothing of it.
    outsider = make_person(OrganizationFactory())
    theirs = Api(token_for(outsider)).get("/me/audience").json()["networks"]
    assert all(n["followers"] is None for n in theirs)
    assert Client().get("/api/v1/me/audience").status_code == 401
    assert audience(advocate) == {"mastodon": (77, "network", True)}


def test_the_migration_copies_what_accounts_already_knew(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    import importlib

    backfill = importlib.import_module(
        "ouendan.integrations.migrations.0002_audience_backfill"
    ).audiences_from_accounts
    with FakeBluesky(followers=210) as fake:
        point_settings_at(settings, fake)
        connect(sharer, admin, fake)
    earlier = share_create(actor=sharer, content_id=item.pk, network="bluesky").share
    kept = share_create(actor=sharer, content_id=item.pk, network="x").share
    # As before this change: shares without reach, no audience rows.
    Share.objects.update(reach=None)
    Share.objects.filter(pk=kept.pk).update(reach=5)
    NetworkAudience.objects.all().delete()
    old = ConnectedAccount.objects.create(
        organization=sharer.organization, membership=sharer.membership, network="x",
        remote_id="1", handle="@old", followers=33, access_token="",
        status=ConnectedAccount.Status.DISCONNECTED, disconnected_at=timezone.now(),
    )  # fmt: skip
    backfill(apps, None)
    assert audience(sharer.membership) == {
        "bluesky": (210, "network", True),
        "x": (old.followers, "network", False),
    }
    earlier.refresh_from_db()
    kept.refresh_from_db()
    assert (earlier.reach, kept.reach) == (210, 5)
