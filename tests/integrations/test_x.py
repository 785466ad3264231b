"""The X connector against a fake X (OAuth 2.0 with PKCE, API v2) over real HTTP."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from ouendan.integrations.base import (
    AppCredentials,
    AuthExpired,
    ConnectorConfig,
    ConnectorError,
    Grant,
    PostRejected,
    Profile,
    Published,
    RateLimited,
)
from ouendan.integrations.oauth import code_challenge, code_verifier_new
from ouendan.integrations.x import XConnector
from ouendan.integrations.x.connector import SCOPES
from tests.integrations.fakes import FakeX, approve
from tests.integrations.support import TRACKED, outgoing

REDIRECT = "https://ouendan.example/connect/x/callback"
TWEETS = "/2/tweets"


def make_connector(fake: FakeX) -> XConnector:
    return XConnector(
        ConnectorConfig(api_url=fake.url, auth_url=fake.url + "/i/oauth2/authorize"),
        app=AppCredentials(client_id=fake.client_id, client_secret=fake.client_secret),
    )


def connect(connector: XConnector) -> Grant:
    verifier = code_verifier_new()
    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier=verifier)
    back = approve(url)
    return connector.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=verifier)


@pytest.fixture
def connector(fake_x: FakeX) -> XConnector:
    return make_connector(fake_x)


@pytest.fixture
def grant(connector: XConnector) -> Grant:
    return connect(connector)


@pytest.fixture
def token(fake_x: FakeX) -> Grant:
    """An access token as ``exchange`` gets one, for the tests about posting."""
    return Grant(access_token=fake_x.issue_token(), scopes=frozenset(SCOPES.split()))


@pytest.fixture
def account(fake_x: FakeX) -> Profile:
    """The account as ``profile`` says it (``test_profile_has_the_followers``)."""
    return Profile(remote_id=fake_x.user_id, handle="@mirai_pr")


# --- Connecting ----------------------------------------------------------------------------------


def test_authorize_and_exchange_as_a_confidential_client(
    connector: XConnector, fake_x: FakeX
) -> None:
    verifier = code_verifier_new()

    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier=verifier)

    assert url.startswith(f"{fake_x.url}/i/oauth2/authorize?")
    assert "scope=tweet.read%20tweet.write%20users.read%20offline.access" in url
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge"] == code_challenge(verifier)
    assert query["code_challenge_method"] == "S256"
    assert query["client_id"] == fake_x.client_id
    back = approve(url)
    assert back["state"] == "st"

    grant = connector.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=verifier)

    (sent,) = fake_x.seen("POST", "/2/oauth2/token")
    assert sent.basic == (fake_x.client_id, fake_x.client_secret)
    assert sent.form()["code_verifier"] == verifier
    assert sent.form()["grant_type"] == "authorization_code"
    assert grant.access_token in fake_x.access_tokens
    assert grant.refresh_token in fake_x.refresh_tokens
    assert grant.scopes == frozenset(SCOPES.split())
    assert grant.expires_at is not None
    assert 7100 < (grant.expires_at - datetime.now(UTC)).total_seconds() <= 7200


def test_a_public_client_sends_its_id_in_the_form() -> None:
    with FakeX(client_secret="") as fake:
        grant = connect(make_connector(fake))

        (sent,) = fake.seen("POST", "/2/oauth2/token")
        assert sent.header("authorization") == ""
        assert sent.form()["client_id"] == fake.client_id
        assert grant.access_token in fake.access_tokens


def test_exchange_with_the_wrong_verifier_is_refused(connector: XConnector, fake_x: FakeX) -> None:
    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier=code_verifier_new())

    with pytest.raises(ConnectorError) as caught:
        connector.exchange(
            code=approve(url)["code"], redirect_uri=REDIRECT, code_verifier=code_verifier_new()
        )

    assert caught.value.permanent
    assert caught.value.message == "Value passed for the authorization code was invalid."
    assert fake_x.access_tokens == {}


def test_profile_has_the_followers(connector: XConnector, fake_x: FakeX, grant: Grant) -> None:
    assert connector.profile(grant) == Profile(
        remote_id=fake_x.user_id,
        handle="@mirai_pr",
        display_name="みらい製作所 広報",
        profile_url="https://x.com/mirai_pr",
        followers=2024,
    )
    (asked,) = fake_x.seen("GET", "/2/users/me")
    assert asked.param("user.fields") == "public_metrics"


def test_refresh_rotates_the_refresh_token(
    connector: XConnector, fake_x: FakeX, grant: Grant
) -> None:
    fresh = connector.refresh(grant)

    assert fresh.access_token != grant.access_token
    assert fresh.refresh_token not in ("", grant.refresh_token)
    assert connector.profile(fresh).remote_id == fake_x.user_id
    sent = fake_x.seen("POST", "/2/oauth2/token")[-1]
    assert sent.form()["grant_type"] == "refresh_token"
    assert sent.basic == (fake_x.client_id, fake_x.client_secret)
    with pytest.raises(AuthExpired) as caught:
        connector.refresh(grant)  # the old refresh token was used up
    assert caught.value.message == "Value passed for the token was invalid."
    assert connector.refresh(fresh).access_token


def test_refresh_without_offline_access(connector: XConnector, fake_x: FakeX) -> None:
    grant = Grant(access_token=fake_x.issue_token("tweet.read tweet.write users.read"))
    sent_before = len(fake_x.requests)

    with pytest.raises(AuthExpired):
        connector.refresh(grant)

    assert len(fake_x.requests) == sent_before


def test_revoke_the_refresh_token(connector: XConnector, fake_x: FakeX, grant: Grant) -> None:
    connector.revoke(grant)

    (sent,) = fake_x.seen("POST", "/2/oauth2/revoke")
    assert sent.form()["token"] == grant.refresh_token
    assert sent.form()["token_type_hint"] == "refresh_token"
    assert (
        sent.header("authorization")
        == "Basic "
        + base64.b64encode(f"{fake_x.client_id}:{fake_x.client_secret}".encode()).decode()
    )
    with pytest.raises(AuthExpired):
        connector.refresh(grant)
    with pytest.raises(AuthExpired):
        connector.profile(grant)


# --- Posting -------------------------------------------------------------------------------------

TEXT = f"新製品を発表しました🎉 {TRACKED} #社員"


def test_publish_a_post(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    published = connector.publish(token, account, outgoing(TEXT))

    (sent,) = fake_x.seen("POST", TWEETS)
    assert sent.json() == {"text": TEXT}
    assert sent.bearer == token.access_token
    (tweet,) = fake_x.posts
    assert published == Published(
        remote_id=tweet["id"], url=f"https://x.com/mirai_pr/status/{tweet['id']}"
    )
    assert tweet["text"] == TEXT.replace(TRACKED, fake_x.tco(TRACKED))


def test_publishing_the_same_text_again_returns_the_first_post(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    first = connector.publish(token, account, outgoing(TEXT))

    again = connector.publish(token, account, outgoing(TEXT))

    assert again == first
    assert len(fake_x.posts) == 1
    assert len(fake_x.seen("GET", f"/2/users/{fake_x.user_id}/tweets")) == 1


def test_a_duplicate_that_cannot_be_found_is_rejected(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    fake_x.fail_next(
        "POST",
        TWEETS,
        403,
        body={
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
        },
    )

    with pytest.raises(PostRejected) as caught:
        connector.publish(token, account, outgoing(TEXT))

    assert caught.value.status == 403
    assert "duplicate content" in caught.value.message


def test_a_refused_post_is_rejected(connector: XConnector, fake_x: FakeX, account: Profile) -> None:
    read_only = Grant(access_token=fake_x.issue_token("tweet.read users.read"))

    with pytest.raises(PostRejected) as caught:
        connector.publish(read_only, account, outgoing(TEXT))

    assert caught.value.message == "You are not permitted to perform this action."
    assert fake_x.seen("GET", f"/2/users/{fake_x.user_id}/tweets") == []


def test_find_matches_the_expanded_url(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    post = outgoing(TEXT)
    fake_x.add_tweet("別の投稿 https://go.example.jp/r/Zz9yXx8w")
    assert connector.find(token, account, post) is None

    tweet = fake_x.add_tweet(TEXT)  # an attempt that went through, then was cut off
    fake_x.add_tweet("その後の投稿")

    assert TRACKED not in tweet["text"]  # X shows t.co
    assert connector.find(token, account, post) == Published(
        remote_id=tweet["id"], url=f"https://x.com/mirai_pr/status/{tweet['id']}"
    )
    asked = fake_x.seen("GET", f"/2/users/{fake_x.user_id}/tweets")[-1]
    assert asked.param("max_results") == "20"
    assert asked.param("tweet.fields") == "entities"


def test_find_on_an_account_with_no_posts(
    connector: XConnector, token: Grant, account: Profile
) -> None:
    assert connector.find(token, account, outgoing(TEXT)) is None


# --- Failures ------------------------------------------------------------------------------------


def test_rate_limited_with_xs_reset_time(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    reset = int(time.time()) + 900
    fake_x.fail_next(
        "POST",
        TWEETS,
        429,
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(token, account, outgoing(TEXT))

    assert caught.value.retry_after is not None
    assert 890 <= caught.value.retry_after <= 900
    assert caught.value.message == "Too Many Requests"
    assert fake_x.posts == []


def test_reconciliation_rate_limited(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    fake_x.rate_limit_next("GET", f"/2/users/{fake_x.user_id}/tweets", seconds=300)

    with pytest.raises(RateLimited) as caught:
        connector.find(token, account, outgoing(TEXT))

    assert caught.value.retry_after is not None
    assert 290 <= caught.value.retry_after <= 300


def test_unavailable_is_retryable(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    fake_x.fail_next("POST", TWEETS, 503)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(token, account, outgoing(TEXT))

    assert not caught.value.permanent
    assert caught.value.status == 503


def test_an_expired_token_is_auth_expired(
    connector: XConnector, fake_x: FakeX, token: Grant, account: Profile
) -> None:
    fake_x.access_tokens[token.access_token].expires_at = int(time.time()) - 1

    with pytest.raises(AuthExpired) as caught:
        connector.publish(token, account, outgoing(TEXT))

    assert caught.value.status == 401
    assert fake_x.posts == []
