"""Connecting, renewing and disconnecting accounts; tokens at rest; reactions read back."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from ouendan.accounts.crypto import _fernet, decrypt
from ouendan.accounts.models import AuditEvent, Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.core.errors import DomainError
from ouendan.integrations.models import ConnectedAccount, NetworkApp, OAuthAttempt, ScheduledPost
from ouendan.integrations.selectors import account_grant
from ouendan.integrations.services.accounts import (
    account_authorize_finish,
    account_authorize_start,
    account_connect_bluesky,
    account_disconnect,
    accounts_renew,
)
from ouendan.integrations.services.metrics import metrics_sync
from ouendan.integrations.services.publishing import post_publish, post_schedule
from ouendan.sharing.models import ShareMetrics
from ouendan.sharing.services.metrics import Reactions, share_metrics_enter
from tests.factories import actor, make_person
from tests.integrations.connecting import allow_networks, connect, point_settings_at
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeX, approve
from tests.sharing.conftest import curator, curator_actor, item, reviewer, reviewer_actor, sharer

__all__ = ["curator", "curator_actor", "item", "reviewer", "reviewer_actor", "sharer"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _networks_on(admin: Membership) -> None:
    allow_networks(admin)


def test_bluesky_connects_with_an_app_password_only(sharer: Actor, settings: Any):
    with FakeBluesky(followers=321) as fake:
        point_settings_at(settings, fake)
        with pytest.raises(DomainError) as main_password:
            account_connect_bluesky(
                actor=sharer, handle=fake.account.handle, app_password="my-real-password",
                service=fake.url,
            )  # fmt: skip
        assert main_password.value.fields["app_password"]
        assert fake.requests == []  # never sent anywhere
        account = connect(sharer, None, fake)  # type: ignore[arg-type]
        assert (account.handle, account.followers) == (f"@{fake.account.handle}", 321)
        assert account.instance == fake.url and account.status == "active"
        assert AuditEvent.objects.filter(action="connection.connected").count() == 1


def test_tokens_are_unreadable_without_the_key_and_rotate(
    sharer: Actor, settings: Any, capsys: Any
):
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, None, fake)  # type: ignore[arg-type]
    session = next(iter(fake.sessions_by_access.values()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_connectedaccount WHERE id = %s",
            [account.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert session.access not in stored and session.refresh not in stored
    assert account_grant(account).access_token == session.access
    # Rotation: a new key first, the old one still decrypts; the command re-encrypts with the
    # new key, after which the old one can go.
    old = settings.ENCRYPTION_KEYS or []
    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, *old] if old else [new_key, _derived_key()]
    _fernet.cache_clear()
    try:
        out = StringIO()
        call_command("encryption_rotate", stdout=out)
        assert "integrations.ConnectedAccount: access_token, refresh_token: 2 value(s)" in (
            out.getvalue()
        )
        settings.ENCRYPTION_KEYS = [new_key]
        _fernet.cache_clear()
        account.refresh_from_db()
        assert account_grant(account).refresh_token == session.refresh
    finally:
        _fernet.cache_clear()


def _derived_key() -> str:
    import base64
    import hashlib

    from django.conf import settings

    digest = hashlib.sha256(f"ouendan-encryption:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def test_rotation_stops_at_a_value_no_key_can_read(sharer: Actor, settings: Any):
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, None, fake)  # type: ignore[arg-type]
    ConnectedAccount.objects.filter(pk=account.pk).update(access_token="not-a-fernet-token")
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("encryption_rotate", stdout=StringIO())


def test_mastodon_registers_the_app_once_per_server_and_uses_pkce(
    sharer: Actor, org: Any, settings: Any
):
    with FakeMastodon(followers=77, max_characters=1000) as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, None, fake)  # type: ignore[arg-type]
        assert account.handle == "@mirai@mastodon.example" and account.text_limit == 1000
        assert account.instance == f"http://127.0.0.1:{fake.port}"
        colleague = make_person(org)
        url = account_authorize_start(
            actor=actor(colleague), network="mastodon", instance=f"127.0.0.1:{fake.port}"
        )
        assert "code_challenge=" in url and "code_challenge_method=S256" in url
        assert len(fake.apps) == 1 and NetworkApp.objects.filter(network="mastodon").count() == 1
        app = NetworkApp.objects.get(network="mastodon")
        assert decrypt(app.client_secret) == next(iter(fake.apps.values())).client_secret


def test_a_connection_cannot_be_finished_by_someone_else_or_twice(
    sharer: Actor, org: Any, admin: Membership, settings: Any
):
    with FakeX() as fake:
        point_settings_at(settings, fake)
        from ouendan.integrations.services.settings import network_app_set

        network_app_set(
            actor=actor(admin), network="x", client_id=fake.client_id,
            client_secret=fake.client_secret,
        )  # fmt: skip
        url = account_authorize_start(actor=sharer, network="x")
        back = approve(url)
        intruder = actor(make_person(org))
        with pytest.raises(DomainError) as stolen:
            account_authorize_finish(
                actor=intruder, network="x", state=back["state"], code=back["code"]
            )
        assert stolen.value.code == "oauth_state"
        # The attempt is gone: the rightful person cannot reuse it either.
        with pytest.raises(DomainError):
            account_authorize_finish(
                actor=sharer, network="x", state=back["state"], code=back["code"]
            )
        assert not OAuthAttempt.objects.exists() and not ConnectedAccount.objects.exists()
        with pytest.raises(DomainError) as denied:
            url = account_authorize_start(actor=sharer, network="x")
            state = url.split("state=")[1].split("&")[0]
            account_authorize_finish(
                actor=sharer, network="x", state=state, code="", error="access_denied"
            )
        assert denied.value.code == "oauth_denied"


def test_linkedin_and_x_need_the_organizations_app(sharer: Actor, settings: Any):
    with pytest.raises(DomainError) as missing:
        account_authorize_start(actor=sharer, network="linkedin")
    assert missing.value.code == "app_missing"
    with pytest.raises(DomainError) as facebook:
        account_authorize_start(actor=sharer, network="facebook")
    assert facebook.value.code == "not_connectable"


def test_disconnecting_revokes_forgets_and_cancels(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeX() as fake:
        point_settings_at(settings, fake)
        account = connect(sharer, admin, fake)
        waiting = post_schedule(
            actor=sharer, content_id=item.pk, network="x",
            at=timezone.now() + timedelta(hours=2),
        ).post  # fmt: skip
        account_disconnect(actor=sharer, account_id=account.pk)
        account.refresh_from_db()
        assert account.status == "disconnected" and account.access_token == ""
        assert fake.seen("POST", "/2/oauth2/revoke")
        waiting.refresh_from_db()
        assert waiting.state == ScheduledPost.State.CANCELLED
        # Connecting again makes a new live connection beside the old, disconnected one.
        again = connect(sharer, admin, fake)
        assert again.pk != account.pk and again.status == "active"


def test_an_ended_connection_is_marked_and_its_owner_told(
    sharer: Actor, admin: Membership, settings: Any
):
    with FakeLinkedIn() as linkedin:
        point_settings_at(settings, linkedin)
        account = connect(sharer, admin, linkedin)
    assert account.expires_at is not None
    accounts_renew(now=account.expires_at + timedelta(minutes=1))
    account.refresh_from_db()
    assert account.status == "needs_reconnect"
    (notice,) = mail.outbox  # in the person's language (the organization's: Japanese)
    assert "LinkedIn" in notice.subject and notice.to == [sharer.membership.user.email]  # type: ignore[union-attr]


def test_renewal_refreshes_before_the_end_and_warns_where_it_cannot(
    sharer: Actor, admin: Membership, settings: Any
):
    with FakeBluesky() as fake, FakeLinkedIn() as linkedin:
        point_settings_at(settings, fake)
        bluesky = connect(sharer, admin, fake)
        point_settings_at(settings, linkedin)
        li = connect(sharer, admin, linkedin)
        old_refresh = account_grant(bluesky).refresh_token
        now = timezone.now()
        assert li.refresh_token == "" and li.expires_at is not None
        assert bluesky.refresh_expires_at is not None
        # Sixty days of LinkedIn access, ninety of Bluesky's: nothing to do or say yet.
        assert accounts_renew(now=now) == 0 and mail.outbox == []
        # Six days before LinkedIn's end: told once, however often the job runs.
        soon = li.expires_at - timedelta(days=6)
        accounts_renew(now=soon)
        accounts_renew(now=soon + timedelta(hours=1))
        assert len(mail.outbox) == 1 and "LinkedIn" in mail.outbox[0].subject
        assert "/connected/" in mail.outbox[0].body
        # Ten days before Bluesky's refresh token ends: renewed (a new one), nobody told.
        assert accounts_renew(now=bluesky.refresh_expires_at - timedelta(days=10)) == 1
    bluesky.refresh_from_db()
    assert account_grant(bluesky).refresh_token not in ("", old_refresh)
    assert bluesky.status == "active"
    # By then LinkedIn's access has ended too (its owner told): nothing was sent about Bluesky.
    assert [m.subject.count("LinkedIn") for m in mail.outbox] == [1, 1]


def test_reactions_are_read_back_and_hand_entry_yields_to_them(
    sharer: Actor, item: ContentItem, admin: Membership, settings: Any
):
    with FakeBluesky() as fake:
        point_settings_at(settings, fake)
        connect(sharer, admin, fake)
        post = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
        assert post_publish(post_id=post.pk) == "published"
        post.refresh_from_db()
        second = post_schedule(actor=sharer, content_id=item.pk, network="bluesky").post
        assert post_publish(post_id=second.pk) == "published"
        # Before the network reports, the person may count by hand…
        share_metrics_enter(actor=sharer, share_id=post.share_id, reactions=Reactions(likes=3))
        fake.set_counts(post.remote_id, likes=12, reposts=2, replies=1, quotes=1)
        # The access token has ended: refreshed once for both posts (Bluesky rotates the
        # refresh token, so a second refresh from a stale copy would lose the connection).
        fake.expire_access_tokens()
        now = timezone.now()
        assert metrics_sync(now=now) == 2
        assert ConnectedAccount.objects.get().status == "active"
        assert len(fake.seen("POST", "/xrpc/com.atproto.server.refreshSession")) == 1
        metrics = ShareMetrics.objects.get(share_id=post.share_id)
        assert (metrics.likes, metrics.reposts, metrics.replies) == (12, 3, 1)
        assert metrics.source == "synced"
        # …then the network's numbers win, and are read again only after six hours.
        with pytest.raises(DomainError) as synced:
            share_metrics_enter(actor=sharer, share_id=post.share_id, reactions=Reactions(likes=99))
        assert synced.value.code == "metrics_synced"
        assert metrics_sync(now=now + timedelta(hours=1)) == 0
        fake.rate_limit_next("GET", "/xrpc/app.bsky.feed.getPosts", seconds=1200)
        assert metrics_sync(now=now + timedelta(hours=7)) == 0
        account = ConnectedAccount.objects.get()
        assert account.rate_limited_until is not None
        assert metrics_sync(now=now + timedelta(hours=7, minutes=10)) == 0  # still resting
        assert metrics_sync(now=now + timedelta(hours=8)) == 2


def test_hand_entry_is_checked(sharer: Actor, item: ContentItem):
    from ouendan.sharing.services.shares import share_create

    share = share_create(actor=sharer, content_id=item.pk, network="facebook").share
    with pytest.raises(DomainError) as negative:
        share_metrics_enter(actor=sharer, share_id=share.pk, reactions=Reactions(likes=-1))
    assert "likes" in negative.value.fields
    metrics = share_metrics_enter(
        actor=sharer, share_id=share.pk, reactions=Reactions(likes=8, replies=2)
    )
    assert (metrics.source, metrics.reactions) == ("manual", 10)
