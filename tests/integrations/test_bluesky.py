"""The Bluesky connector against a fake PDS over real HTTP (guarded: the PDS is a host someone
typed, reached through ``INTEGRATIONS_ALLOW_LOOPBACK``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ouendan.integrations.base import (
    AuthExpired,
    ConnectorConfig,
    ConnectorError,
    Grant,
    PostMetrics,
    PostRejected,
    Profile,
    Published,
    RateLimited,
)
from ouendan.integrations.bluesky.connector import BlueskyConnector, jwt_claims, record_key
from tests.integrations.fakes import FakeBluesky
from tests.integrations.support import TRACKED, outgoing

pytestmark = pytest.mark.usefixtures("loopback")

APP_PASSWORD = "abcd-efgh-ijkl-mnop"
CREATE = "/xrpc/com.atproto.repo.createRecord"


@pytest.fixture
def connector(fake_bluesky: FakeBluesky) -> BlueskyConnector:
    return BlueskyConnector(ConnectorConfig(api_url=fake_bluesky.url, guarded=True))


@pytest.fixture
def session(fake_bluesky: FakeBluesky) -> tuple[Grant, Profile]:
    """A session and account as ``login`` gets them (``test_login_with_an_app_password``)."""
    issued = fake_bluesky.issue_session()
    grant = Grant(
        access_token=issued.access,
        refresh_token=issued.refresh,
        scopes=frozenset({"com.atproto.appPass"}),
    )
    return grant, Profile(remote_id=fake_bluesky.account.did, handle="@mirai.bsky.social")


def _about(when: datetime | None, seconds: float) -> bool:
    assert when is not None
    return abs((when - datetime.now(UTC)).total_seconds() - seconds) < 60


# --- Connecting ----------------------------------------------------------------------------------


def test_login_with_an_app_password(connector: BlueskyConnector, fake_bluesky: FakeBluesky) -> None:
    grant, profile = connector.login(identifier=" @mirai.bsky.social ", password=APP_PASSWORD)

    (sent,) = fake_bluesky.seen("POST", "/xrpc/com.atproto.server.createSession")
    assert sent.json() == {"identifier": "mirai.bsky.social", "password": APP_PASSWORD}
    assert grant.access_token in fake_bluesky.sessions_by_access
    assert grant.refresh_token in fake_bluesky.sessions_by_refresh
    assert grant.scopes == frozenset({"com.atproto.appPass"})
    assert _about(grant.expires_at, 7200)
    assert _about(grant.refresh_expires_at, 90 * 24 * 3600)
    assert profile == Profile(
        remote_id=fake_bluesky.account.did,
        handle="@mirai.bsky.social",
        display_name="みらい製作所",
        profile_url="https://bsky.app/profile/mirai.bsky.social",
        followers=120,
    )
    (asked,) = fake_bluesky.seen("GET", "/xrpc/app.bsky.actor.getProfile")
    assert asked.param("actor") == fake_bluesky.account.did
    assert asked.bearer == grant.access_token


@pytest.mark.parametrize(
    "password", ["my-Main-Passw0rd", "abcdefghijklmnop", "ABCD-EFGH-IJKL-MNOP"]
)
def test_a_main_password_is_refused_before_anything_is_sent(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, password: str
) -> None:
    fake_bluesky.add_account("other.bsky.social", password)

    with pytest.raises(ConnectorError) as caught:
        connector.login(identifier="other.bsky.social", password=password)

    assert caught.value.code == "app_password_required"
    assert caught.value.permanent
    assert fake_bluesky.requests == []


def test_a_wrong_app_password_is_a_failed_login(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky
) -> None:
    with pytest.raises(ConnectorError) as caught:
        connector.login(identifier="mirai.bsky.social", password="zzzz-zzzz-zzzz-zzzz")

    assert caught.value.code == "login_failed"
    assert caught.value.permanent
    assert caught.value.message == "Invalid identifier or password"


def test_a_session_that_is_not_an_app_passwords_is_closed(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky
) -> None:
    fake_bluesky.force_scope = "com.atproto.access"  # a server that treats it as the main password

    with pytest.raises(ConnectorError) as caught:
        connector.login(identifier="mirai.bsky.social", password=APP_PASSWORD)

    assert caught.value.code == "app_password_required"
    (closed,) = fake_bluesky.seen("POST", "/xrpc/com.atproto.server.deleteSession")
    assert fake_bluesky.sessions_by_refresh[closed.bearer].revoked


def test_profile_reads_the_did_from_the_token(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    grant, _ = session
    fake_bluesky.account.followers = 4567

    profile = connector.profile(grant)

    assert jwt_claims(grant.access_token)["sub"] == fake_bluesky.account.did
    assert profile.remote_id == fake_bluesky.account.did
    assert profile.followers == 4567


def test_refresh_gives_a_new_pair_and_the_old_refresh_token_stops_working(
    connector: BlueskyConnector, session: tuple[Grant, Profile]
) -> None:
    grant, profile = session

    fresh = connector.refresh(grant)

    assert fresh.access_token != grant.access_token
    assert fresh.refresh_token != grant.refresh_token
    assert fresh.scopes == frozenset({"com.atproto.appPass"})
    assert connector.profile(fresh).remote_id == profile.remote_id
    with pytest.raises(AuthExpired):
        connector.refresh(grant)


def test_an_expired_refresh_token_is_auth_expired(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    fake_bluesky.expire_refresh_tokens()

    with pytest.raises(AuthExpired) as caught:
        connector.refresh(session[0])

    assert caught.value.status == 400
    assert caught.value.message == "Token has expired"


def test_revoke_deletes_the_session(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    grant, _ = session

    connector.revoke(grant)

    (sent,) = fake_bluesky.seen("POST", "/xrpc/com.atproto.server.deleteSession")
    assert sent.bearer == grant.refresh_token
    with pytest.raises(AuthExpired):
        connector.refresh(grant)


# --- Posting -------------------------------------------------------------------------------------

TEXT = f"新製品を発表しました🎉 詳しくは {TRACKED} をご覧ください。 #社員 #PR"


def test_publish_writes_a_post_with_facets_a_card_and_our_record_key(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    grant, profile = session
    post = outgoing(TEXT)

    published = connector.publish(grant, profile, post)

    rkey = record_key(post.key, post.created_at)
    did = fake_bluesky.account.did
    assert published == Published(
        remote_id=f"at://{did}/app.bsky.feed.post/{rkey}",
        url=f"https://bsky.app/profile/mirai.bsky.social/post/{rkey}",
    )
    (sent,) = fake_bluesky.seen("POST", CREATE)
    assert sent.bearer == grant.access_token
    body = sent.json()
    assert (body["repo"], body["collection"], body["rkey"]) == (did, "app.bsky.feed.post", rkey)
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == TEXT
    assert record["langs"] == ["ja"]
    assert record["createdAt"].endswith("Z")
    datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00"))
    assert record["embed"] == {
        "$type": "app.bsky.embed.external",
        "external": {
            "uri": TRACKED,
            "title": "新製品「みらい」発売",
            "description": "みらい製作所の新製品です。",
        },
    }
    link, staff, pr = record["facets"]
    encoded = TEXT.encode()
    start = encoded.index(TRACKED.encode())
    assert link["index"] == {"byteStart": start, "byteEnd": start + len(TRACKED)}
    assert link["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": TRACKED}]
    span = encoded[staff["index"]["byteStart"] : staff["index"]["byteEnd"]]
    assert span.decode() == "#社員"
    assert staff["features"] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "社員"}]
    assert encoded[pr["index"]["byteStart"] : pr["index"]["byteEnd"]] == b"#PR"
    (stored,) = fake_bluesky.posts
    assert stored.uri == published.remote_id


def test_publish_uploads_the_card_image_as_the_thumbnail(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    connector.publish(*session, outgoing(TEXT, image=image))

    (upload,) = fake_bluesky.seen("POST", "/xrpc/com.atproto.repo.uploadBlob")
    assert upload.body == image
    assert upload.header("content-type") == "image/png"
    thumb = fake_bluesky.posts[0].value["embed"]["external"]["thumb"]
    assert thumb["$type"] == "blob"
    assert thumb["mimeType"] == "image/png"
    assert thumb["size"] == len(image)
    assert thumb["ref"]["$link"].startswith("bafkrei")


def test_an_image_over_the_limit_is_not_uploaded(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    connector.publish(*session, outgoing(TEXT, image=b"\xff" * 1_000_001))

    assert fake_bluesky.seen("POST", "/xrpc/com.atproto.repo.uploadBlob") == []
    assert "thumb" not in fake_bluesky.posts[0].value["embed"]["external"]


@pytest.mark.parametrize("status", [500, 400])
def test_publishing_the_same_post_again_returns_the_first_one(
    connector: BlueskyConnector,
    fake_bluesky: FakeBluesky,
    session: tuple[Grant, Profile],
    status: int,
) -> None:
    fake_bluesky.duplicate_rkey_status = status  # 500: the reference PDS; 400: a newer answer
    grant, profile = session
    post = outgoing(TEXT)

    first = connector.publish(grant, profile, post)
    again = connector.publish(grant, profile, post)

    assert again == first
    assert len(fake_bluesky.posts) == 1
    assert len(fake_bluesky.seen("POST", CREATE)) == 2
    (looked,) = fake_bluesky.seen("GET", "/xrpc/com.atproto.repo.getRecord")
    assert looked.param("rkey") == record_key(post.key, post.created_at)


def test_a_later_attempt_of_another_share_is_a_new_post(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    first = connector.publish(*session, outgoing(TEXT, key="share-1:bluesky"))
    second = connector.publish(*session, outgoing(TEXT, key="share-2:bluesky"))

    assert first != second
    assert len(fake_bluesky.posts) == 2


def test_find_tells_whether_the_post_went_out(
    connector: BlueskyConnector, session: tuple[Grant, Profile]
) -> None:
    grant, profile = session
    post = outgoing(TEXT)
    assert connector.find(grant, profile, post) is None

    published = connector.publish(grant, profile, post)

    assert connector.find(grant, profile, post) == published


def test_metrics_add_quotes_to_reposts(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    grant, profile = session
    published = connector.publish(grant, profile, outgoing(TEXT))
    fake_bluesky.set_counts(published.remote_id, likes=12, reposts=3, quotes=2, replies=5)

    metrics = connector.metrics(grant, profile, published.remote_id)

    assert metrics == PostMetrics(likes=12, reposts=5, replies=5)
    (asked,) = fake_bluesky.seen("GET", "/xrpc/app.bsky.feed.getPosts")
    assert asked.query["uris"] == [published.remote_id]


def test_metrics_of_a_deleted_post_are_none(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    gone = f"at://{fake_bluesky.account.did}/app.bsky.feed.post/3kabcdefghijk"

    assert connector.metrics(*session, gone) is None


# --- Failures ------------------------------------------------------------------------------------


def test_an_expired_access_token_is_auth_expired_and_posts_nothing(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    fake_bluesky.expire_access_tokens()

    with pytest.raises(AuthExpired) as caught:
        connector.publish(*session, outgoing(TEXT))

    assert caught.value.status == 400
    assert fake_bluesky.posts == []
    assert fake_bluesky.seen("GET", "/xrpc/com.atproto.repo.getRecord") == []


def test_a_record_the_pds_refuses_is_rejected(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    with pytest.raises(PostRejected) as caught:
        connector.publish(*session, outgoing("長" * 301 + f" {TRACKED}"))

    assert caught.value.permanent
    assert caught.value.status == 400
    assert "300 graphemes" in caught.value.message
    assert fake_bluesky.posts == []


def test_rate_limited_with_blueskys_reset_header(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    fake_bluesky.rate_limit_next("POST", CREATE, seconds=120)

    with pytest.raises(RateLimited) as caught:
        connector.publish(*session, outgoing(TEXT))

    (answer,) = fake_bluesky.seen("POST", CREATE)
    assert answer.injected
    assert not caught.value.permanent
    assert caught.value.retry_after is not None
    assert 110 <= caught.value.retry_after <= 120
    assert caught.value.message == "Too Many Requests"
    assert fake_bluesky.posts == []


def test_a_server_error_that_did_not_write_is_retryable(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    fake_bluesky.fail_next("POST", CREATE, 500)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(*session, outgoing(TEXT))

    assert not caught.value.permanent
    assert caught.value.code == "server_error"
    assert len(fake_bluesky.seen("GET", "/xrpc/com.atproto.repo.getRecord")) == 1  # it looked


def test_unavailable_is_retryable(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    fake_bluesky.fail_next(
        "GET", "/xrpc/app.bsky.actor.getProfile", 503, headers={"Retry-After": "7"}
    )

    with pytest.raises(ConnectorError) as caught:
        connector.profile(session[0])

    assert not caught.value.permanent
    assert caught.value.status == 503
    assert caught.value.retry_after == 7


def test_a_401_is_auth_expired(
    connector: BlueskyConnector, fake_bluesky: FakeBluesky, session: tuple[Grant, Profile]
) -> None:
    fake_bluesky.fail_next("GET", "/xrpc/app.bsky.feed.getPosts", 401)

    with pytest.raises(AuthExpired):
        connector.metrics(*session, "at://did:plc:x/app.bsky.feed.post/3kabcdefghijk")
