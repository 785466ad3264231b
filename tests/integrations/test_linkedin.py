"""The LinkedIn connector against a fake LinkedIn (OAuth and REST API) over real HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from ouendan.integrations.base import (
    AppCredentials,
    AuthExpired,
    CannotTell,
    ConnectorConfig,
    ConnectorError,
    Grant,
    PostMetrics,
    PostRejected,
    Profile,
    Published,
    RateLimited,
)
from ouendan.integrations.linkedin import LinkedInConnector
from ouendan.integrations.linkedin.connector import SCOPES
from tests.integrations.fakes import FakeLinkedIn, approve
from tests.integrations.support import TRACKED, outgoing

REDIRECT = "https://ouendan.example/connect/linkedin/callback"
ALL_SCOPES = "openid profile w_member_social r_member_social r_member_postAnalytics"
POSTS = "/rest/posts"


def make_connector(
    fake: FakeLinkedIn, *, scopes: str = "", version: str = "202610"
) -> LinkedInConnector:
    return LinkedInConnector(
        ConnectorConfig(
            api_url=fake.url,
            auth_url=fake.url + "/oauth/v2",
            api_version=version,
            extra={"scopes": scopes} if scopes else {},
        ),
        app=AppCredentials(client_id=fake.client_id, client_secret=fake.client_secret),
    )


def connect(connector: LinkedInConnector) -> Grant:
    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier="")
    back = approve(url)
    assert back["state"] == "st", back
    return connector.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier="")


@pytest.fixture
def connector(fake_linkedin: FakeLinkedIn) -> LinkedInConnector:
    return make_connector(fake_linkedin)


@pytest.fixture
def grant(fake_linkedin: FakeLinkedIn) -> Grant:
    """A token as ``exchange`` gets one (``test_authorize_and_exchange``)."""
    return Grant(access_token=fake_linkedin.issue_token(), scopes=frozenset(SCOPES.split()))


@pytest.fixture
def member(fake_linkedin: FakeLinkedIn) -> Profile:
    """The member as ``profile`` says it (``test_profile_is_the_members_urn``)."""
    return Profile(remote_id=fake_linkedin.person, handle="応援 一郎")


@pytest.fixture
def granted_all(
    fake_linkedin: FakeLinkedIn, member: Profile
) -> tuple[LinkedInConnector, Grant, Profile]:
    """An app LinkedIn has granted reconciliation and numbers."""
    grant = Grant(access_token=fake_linkedin.issue_token(ALL_SCOPES))
    return make_connector(fake_linkedin, scopes=ALL_SCOPES), grant, member


def _days(when: datetime | None) -> float:
    assert when is not None
    return (when - datetime.now(UTC)).total_seconds() / 86400


# --- Connecting ----------------------------------------------------------------------------------


def test_authorize_and_exchange(connector: LinkedInConnector, fake_linkedin: FakeLinkedIn) -> None:
    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier="ignored")

    assert url.startswith(f"{fake_linkedin.url}/oauth/v2/authorization?")
    assert "scope=openid%20profile%20w_member_social" in url
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["client_id"] == fake_linkedin.client_id
    assert query["redirect_uri"] == REDIRECT
    assert query["response_type"] == "code"
    back = approve(url)

    grant = connector.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier="")

    (sent,) = fake_linkedin.seen("POST", "/oauth/v2/accessToken")
    assert sent.form() == {
        "grant_type": "authorization_code",
        "code": back["code"],
        "redirect_uri": REDIRECT,
        "client_id": fake_linkedin.client_id,
        "client_secret": fake_linkedin.client_secret,
    }
    assert grant.access_token in fake_linkedin.tokens
    assert grant.scopes == frozenset({"openid", "profile", "w_member_social"})  # from "a,b,c"
    assert 59.9 < _days(grant.expires_at) <= 60
    assert grant.refresh_token == ""
    assert grant.refresh_expires_at is None


def test_exchange_with_refresh_tokens(fake_linkedin: FakeLinkedIn) -> None:
    fake_linkedin.issue_refresh_tokens = True

    grant = connect(make_connector(fake_linkedin))

    assert grant.refresh_token in fake_linkedin.refresh_grants
    assert 364.9 < _days(grant.refresh_expires_at) <= 365


def test_a_used_code_is_refused(connector: LinkedInConnector) -> None:
    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier="")
    code = approve(url)["code"]
    connector.exchange(code=code, redirect_uri=REDIRECT, code_verifier="")

    with pytest.raises(ConnectorError) as caught:
        connector.exchange(code=code, redirect_uri=REDIRECT, code_verifier="")

    assert caught.value.permanent
    assert caught.value.status == 400
    assert "Unable to retrieve access token" in caught.value.message


def test_a_scope_the_app_was_not_granted_comes_back_as_an_error(
    fake_linkedin: FakeLinkedIn,
) -> None:
    connector = make_connector(fake_linkedin, scopes=ALL_SCOPES)

    back = approve(connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier=""))

    assert back["error"] == "unauthorized_scope_error"
    assert "r_member_social" in back["error_description"]
    assert "code" not in back


def test_scopes_linkedin_granted_the_app(fake_linkedin: FakeLinkedIn) -> None:
    fake_linkedin.app_scopes |= {"r_member_social", "r_member_postAnalytics"}

    grant = connect(make_connector(fake_linkedin, scopes=ALL_SCOPES))

    assert grant.scopes == frozenset(ALL_SCOPES.split())


def test_profile_is_the_members_urn(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant
) -> None:
    assert connector.profile(grant) == Profile(
        remote_id=f"urn:li:person:{fake_linkedin.sub}",
        handle="応援 一郎",
        display_name="応援 一郎",
        profile_url="https://www.linkedin.com/in/me/",
        followers=None,
    )


def test_refresh_without_a_refresh_token_asks_to_reconnect(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant
) -> None:
    sent_before = len(fake_linkedin.requests)

    with pytest.raises(AuthExpired):
        connector.refresh(grant)

    assert len(fake_linkedin.requests) == sent_before


def test_refresh_with_a_refresh_token(fake_linkedin: FakeLinkedIn) -> None:
    fake_linkedin.issue_refresh_tokens = True
    connector = make_connector(fake_linkedin)
    grant = connect(connector)

    fresh = connector.refresh(grant)

    assert fresh.access_token != grant.access_token
    assert fresh.refresh_token == grant.refresh_token  # LinkedIn keeps the refresh token
    assert connector.profile(fresh).remote_id == f"urn:li:person:{fake_linkedin.sub}"
    sent = fake_linkedin.seen("POST", "/oauth/v2/accessToken")[-1].form()
    assert sent["grant_type"] == "refresh_token"
    assert sent["refresh_token"] == grant.refresh_token


def test_a_refused_refresh_token_is_auth_expired(fake_linkedin: FakeLinkedIn) -> None:
    fake_linkedin.issue_refresh_tokens = True
    connector = make_connector(fake_linkedin)
    grant = connect(connector)
    fake_linkedin.refresh_grants[grant.refresh_token]["revoked"] = True

    with pytest.raises(AuthExpired) as caught:
        connector.refresh(grant)

    assert "invalid, expired or revoked" in caught.value.message


def test_revoke(connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant) -> None:
    connector.revoke(grant)

    (sent,) = fake_linkedin.seen("POST", "/oauth/v2/revoke")
    assert sent.form()["token"] == grant.access_token
    assert sent.form()["client_secret"] == fake_linkedin.client_secret
    with pytest.raises(AuthExpired) as caught:
        connector.profile(grant)
    assert caught.value.message == "Invalid access token"


# --- Posting -------------------------------------------------------------------------------------

TEXT = f"新製品 (限定モデル) を発表しました! #PR #社員 詳細は{{こちら}}: {TRACKED}"


def test_publish_an_article_share(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    published = connector.publish(grant, member, outgoing(TEXT))

    (sent,) = fake_linkedin.seen("POST", POSTS)
    assert sent.header("linkedin-version") == "202610"
    assert sent.header("x-restli-protocol-version") == "2.0.0"
    assert sent.bearer == grant.access_token
    body = sent.json()
    assert body == {
        "author": member.remote_id,
        "commentary": (
            "新製品 \\(限定モデル\\) を発表しました! {hashtag|\\#|PR} {hashtag|\\#|社員} "
            "詳細は\\{こちら\\}:"
        ),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "content": {
            "article": {
                "source": TRACKED,
                "title": "新製品「みらい」発売",
                "description": "みらい製作所の新製品です。",
            }
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    (urn,) = fake_linkedin.posts
    assert published == Published(remote_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/")
    assert urn.startswith("urn:li:share:")


def test_a_link_inside_the_text_stays(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    connector.publish(grant, member, outgoing(f"{TRACKED} をご覧ください_新製品"))

    commentary = fake_linkedin.seen("POST", POSTS)[0].json()["commentary"]
    assert commentary == f"{TRACKED} をご覧ください\\_新製品"


def test_publishing_a_duplicate_returns_the_post_linkedin_has(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    first = connector.publish(grant, member, outgoing(TEXT))
    again = connector.publish(grant, member, outgoing(TEXT))

    assert again == first
    assert len(fake_linkedin.posts) == 1


def test_a_retired_api_version(fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile) -> None:
    connector = make_connector(fake_linkedin, version="202301")

    with pytest.raises(ConnectorError) as caught:
        connector.publish(grant, member, outgoing(TEXT))

    assert caught.value.code == "api_version"
    assert caught.value.status == 426
    assert caught.value.permanent
    assert "202301" in caught.value.message
    assert fake_linkedin.posts == {}


def test_a_post_linkedin_refuses_is_rejected(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    fake_linkedin.fail_next(
        "POST",
        POSTS,
        422,
        body={"status": 422, "message": "ERROR :: /commentary :: length exceeds 3000"},
    )

    with pytest.raises(PostRejected) as caught:
        connector.publish(grant, member, outgoing(TEXT))

    assert caught.value.status == 422
    assert caught.value.message == "ERROR :: /commentary :: length exceeds 3000"


def test_an_expired_token_is_auth_expired(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    fake_linkedin.tokens[grant.access_token].expires_at = int(time.time()) - 1

    with pytest.raises(AuthExpired):
        connector.publish(grant, member, outgoing(TEXT))

    assert fake_linkedin.posts == {}


def test_find_cannot_tell_without_r_member_social(
    connector: LinkedInConnector, grant: Grant, member: Profile
) -> None:
    with pytest.raises(CannotTell):
        connector.find(grant, member, outgoing(TEXT))


def test_find_with_r_member_social(
    granted_all: tuple[LinkedInConnector, Grant, Profile], fake_linkedin: FakeLinkedIn
) -> None:
    connector, grant, member = granted_all
    post = outgoing(TEXT)
    fake_linkedin.add_post("別の投稿", "https://go.example.jp/r/Zz9yXx8w")
    assert connector.find(grant, member, post) is None

    published = connector.publish(grant, member, post)

    assert connector.find(grant, member, post) == published
    asked = fake_linkedin.seen("GET", POSTS)[-1]
    assert f"author=urn%3Ali%3Aperson%3A{fake_linkedin.sub}" in asked.target
    assert asked.param("q") == "author"
    assert asked.param("sortBy") == "LAST_MODIFIED"
    assert asked.header("linkedin-version") == "202610"


def test_metrics_without_the_analytics_scope_are_none(
    connector: LinkedInConnector, grant: Grant, member: Profile
) -> None:
    published = connector.publish(grant, member, outgoing(TEXT))

    assert connector.metrics(grant, member, published.remote_id) is None


def test_metrics_with_the_analytics_scope(
    granted_all: tuple[LinkedInConnector, Grant, Profile], fake_linkedin: FakeLinkedIn
) -> None:
    connector, grant, member = granted_all
    published = connector.publish(grant, member, outgoing(TEXT))
    fake_linkedin.set_analytics(
        published.remote_id, impressions=1500, reactions=42, comments=7, reshares=3
    )

    metrics = connector.metrics(grant, member, published.remote_id)

    assert metrics == PostMetrics(likes=42, reposts=3, replies=7, impressions=1500)
    asked = fake_linkedin.seen("GET", "/rest/memberCreatorPostAnalytics")
    assert {a.param("queryType") for a in asked} == {"IMPRESSION", "REACTION", "COMMENT", "RESHARE"}
    encoded = published.remote_id.replace(":", "%3A")
    assert all(f"entity=(share:{encoded})" in a.target for a in asked)
    assert all(a.param("aggregation") == "TOTAL" for a in asked)


def test_metrics_of_a_ugc_post(
    granted_all: tuple[LinkedInConnector, Grant, Profile], fake_linkedin: FakeLinkedIn
) -> None:
    connector, grant, member = granted_all
    urn = "urn:li:ugcPost:7257255280806936577"  # a post made elsewhere (the older API)
    fake_linkedin.set_analytics(urn, impressions=10, reactions=2, comments=1, reshares=0)

    metrics = connector.metrics(grant, member, urn)

    assert metrics == PostMetrics(likes=2, reposts=0, replies=1, impressions=10)
    asked = fake_linkedin.seen("GET", "/rest/memberCreatorPostAnalytics")[0]
    assert "entity=(ugc:urn%3Ali%3AugcPost%3A7257255280806936577)" in asked.target


# --- Failures ------------------------------------------------------------------------------------


def test_rate_limited_with_retry_after(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    fake_linkedin.fail_next("POST", POSTS, 429, headers={"Retry-After": "30"})

    with pytest.raises(RateLimited) as caught:
        connector.publish(grant, member, outgoing(TEXT))

    assert caught.value.retry_after == 30
    assert not caught.value.permanent


def test_unavailable_is_retryable(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    fake_linkedin.fail_next("POST", POSTS, 503)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(grant, member, outgoing(TEXT))

    assert not caught.value.permanent
    assert caught.value.code == "server_error"
    assert fake_linkedin.posts == {}


def test_no_id_in_the_answer_is_retryable(
    connector: LinkedInConnector, fake_linkedin: FakeLinkedIn, grant: Grant, member: Profile
) -> None:
    fake_linkedin.fail_next("POST", POSTS, 201, body=b"")

    with pytest.raises(ConnectorError) as caught:
        connector.publish(grant, member, outgoing(TEXT))

    assert not caught.value.permanent
