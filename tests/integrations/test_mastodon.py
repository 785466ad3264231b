"""The Mastodon connector against a fake server over real HTTP (guarded: the server is a host
someone typed, reached through ``INTEGRATIONS_ALLOW_LOOPBACK``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ouendan.integrations.base import (
    AppCredentials,
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
from ouendan.integrations.mastodon import MastodonConnector, app_register
from ouendan.integrations.mastodon.connector import SCOPES
from ouendan.integrations.oauth import code_challenge, code_verifier_new, state_new
from tests.integrations.fakes import FakeMastodon, approve
from tests.integrations.support import TRACKED, outgoing

pytestmark = pytest.mark.usefixtures("loopback")

REDIRECT = "https://ouendan.example/connect/mastodon/callback"
STATUSES = "/api/v1/statuses"


@pytest.fixture
def config(fake_mastodon: FakeMastodon) -> ConnectorConfig:
    return ConnectorConfig(api_url=fake_mastodon.url, guarded=True)


@pytest.fixture
def app(config: ConnectorConfig) -> AppCredentials:
    return app_register(config, redirect_uri=REDIRECT, website="https://ouendan.example")


@pytest.fixture
def registered(fake_mastodon: FakeMastodon) -> AppCredentials:
    """The app, registered straight in the fake (``app`` does it over HTTP)."""
    app = fake_mastodon.register_app(REDIRECT, SCOPES)
    return AppCredentials(client_id=app.client_id, client_secret=app.client_secret)


@pytest.fixture
def connector(config: ConnectorConfig, registered: AppCredentials) -> MastodonConnector:
    return MastodonConnector(config, app=registered)


@pytest.fixture
def grant(fake_mastodon: FakeMastodon, registered: AppCredentials) -> Grant:
    """A token as ``exchange`` gets one (``test_authorize_and_exchange_with_pkce``)."""
    token = fake_mastodon.issue_token(SCOPES, client_id=registered.client_id)
    return Grant(access_token=token, scopes=frozenset(SCOPES.split()))


@pytest.fixture
def account(fake_mastodon: FakeMastodon) -> Profile:
    """The account as ``profile`` says it (``test_profile_has_followers_and_the_servers_limit``)."""
    return Profile(remote_id=fake_mastodon.account_id, handle="@mirai@mastodon.example")


# --- Connecting ----------------------------------------------------------------------------------


def test_app_register_registers_ouendan_on_the_server(
    app: AppCredentials, fake_mastodon: FakeMastodon
) -> None:
    (sent,) = fake_mastodon.seen("POST", "/api/v1/apps")
    assert sent.form() == {
        "client_name": "Ouendan",
        "redirect_uris": REDIRECT,
        "scopes": SCOPES,
        "website": "https://ouendan.example",
    }
    registered = fake_mastodon.apps[app.client_id]
    assert registered.client_secret == app.client_secret
    assert registered.redirect_uris == [REDIRECT]
    assert registered.scopes == SCOPES.split()


def test_app_register_on_something_that_is_not_mastodon(
    config: ConnectorConfig, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.fail_next("POST", "/api/v1/apps", 200, body="<html>a blog</html>")

    with pytest.raises(ConnectorError) as caught:
        app_register(config, redirect_uri=REDIRECT, website="https://ouendan.example")

    assert caught.value.code == "not_mastodon"
    assert caught.value.permanent


def test_authorize_and_exchange_with_pkce(
    config: ConnectorConfig, app: AppCredentials, fake_mastodon: FakeMastodon
) -> None:
    connector = MastodonConnector(config, app=app)  # registered over HTTP
    verifier, state = code_verifier_new(), state_new()

    url = connector.authorize(redirect_uri=REDIRECT, state=state, code_verifier=verifier)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{fake_mastodon.url}/oauth/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": SCOPES,
        "state": state,
        "code_challenge": code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    back = approve(url)
    assert back["_location"].startswith(REDIRECT + "?")
    assert back["state"] == state

    grant = connector.exchange(code=back["code"], redirect_uri=REDIRECT, code_verifier=verifier)

    assert fake_mastodon.tokens[grant.access_token].client_id == app.client_id
    assert grant.scopes == frozenset(SCOPES.split())
    assert grant.refresh_token == ""
    assert grant.expires_at is None  # Mastodon tokens do not lapse
    (sent,) = fake_mastodon.seen("POST", "/oauth/token")
    assert sent.form()["code_verifier"] == verifier
    assert sent.form()["grant_type"] == "authorization_code"


def test_exchange_with_the_wrong_verifier_is_refused(
    connector: MastodonConnector, fake_mastodon: FakeMastodon
) -> None:
    url = connector.authorize(redirect_uri=REDIRECT, state="s", code_verifier=code_verifier_new())

    with pytest.raises(ConnectorError) as caught:
        connector.exchange(
            code=approve(url)["code"], redirect_uri=REDIRECT, code_verifier=code_verifier_new()
        )

    assert caught.value.permanent
    assert caught.value.status == 400
    assert "authorization grant is invalid" in caught.value.message
    assert fake_mastodon.tokens == {}


def test_the_authorize_page_for_a_browser(
    connector: MastodonConnector, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.auto_approve = False
    url = connector.authorize(redirect_uri=REDIRECT, state="st", code_verifier=code_verifier_new())

    page = httpx.get(url, trust_env=False)
    assert page.status_code == 200
    assert 'id="authorize"' in page.text
    link = httpx.get(url + "&approve=1", follow_redirects=False, trust_env=False).headers[
        "location"
    ]
    denied = httpx.get(url + "&approve=0", follow_redirects=False, trust_env=False)

    assert parse_qs(urlsplit(link).query)["state"] == ["st"]
    assert "code" in parse_qs(urlsplit(link).query)
    assert "error=access_denied" in denied.headers["location"]


def test_profile_has_followers_and_the_servers_limit(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant
) -> None:
    fake_mastodon.max_characters = 1000

    profile = connector.profile(grant)

    assert profile == Profile(
        remote_id="109876543210",
        handle="@mirai@mastodon.example",
        display_name="みらい製作所",
        profile_url="https://mastodon.example/@mirai",
        followers=321,
        text_limit=1000,
    )
    (me,) = fake_mastodon.seen("GET", "/api/v1/accounts/verify_credentials")
    assert me.bearer == grant.access_token


def test_profile_without_the_instance_document(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant
) -> None:
    fake_mastodon.fail_next("GET", "/api/v2/instance", 404)

    profile = connector.profile(grant)

    assert profile.text_limit is None
    assert profile.handle == f"@mirai@127.0.0.1:{fake_mastodon.port}"


def test_refresh_keeps_the_grant(connector: MastodonConnector, grant: Grant) -> None:
    assert connector.refresh(grant) == grant


def test_revoke_gives_the_token_back(
    connector: MastodonConnector,
    fake_mastodon: FakeMastodon,
    registered: AppCredentials,
    grant: Grant,
) -> None:
    connector.revoke(grant)

    (sent,) = fake_mastodon.seen("POST", "/oauth/revoke")
    assert sent.form() == {
        "client_id": registered.client_id,
        "client_secret": registered.client_secret,
        "token": grant.access_token,
    }
    with pytest.raises(AuthExpired) as caught:
        connector.profile(grant)
    assert caught.value.message == "The access token is invalid"


# --- Posting -------------------------------------------------------------------------------------

TEXT = f"新製品のご案内です🎉 {TRACKED} #社員"


def test_publish_sends_the_status_with_our_idempotency_key(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    post = outgoing(TEXT, key="share-7:mastodon")

    published = connector.publish(grant, account, post)

    (sent,) = fake_mastodon.seen("POST", STATUSES)
    assert sent.header("idempotency-key") == "share-7:mastodon"
    assert sent.bearer == grant.access_token
    assert sent.json() == {"status": TEXT, "visibility": "public", "language": "ja"}
    (status,) = fake_mastodon.posts
    assert published == Published(
        remote_id=status["id"], url=f"https://mastodon.example/@mirai/{status['id']}"
    )
    assert f'href="{TRACKED}"' in status["content"]


def test_publishing_again_with_the_same_key_makes_one_status(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    post = outgoing(TEXT)

    first = connector.publish(grant, account, post)
    again = connector.publish(grant, account, post)

    assert again == first
    assert len(fake_mastodon.posts) == 1
    assert len(fake_mastodon.seen("POST", STATUSES)) == 2


def test_text_over_the_servers_limit_is_rejected(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    fake_mastodon.max_characters = 30  # the tracked link counts 23

    with pytest.raises(PostRejected) as caught:
        connector.publish(grant, account, outgoing(f"ちょっと長めの文章です {TRACKED}"))

    assert caught.value.permanent
    assert caught.value.status == 422
    assert caught.value.message == "Validation failed: Text character limit of 30 exceeded"
    assert fake_mastodon.posts == []


def test_a_revoked_token_is_auth_expired(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    fake_mastodon.tokens[grant.access_token].revoked = True

    with pytest.raises(AuthExpired) as caught:
        connector.publish(grant, account, outgoing(TEXT))

    assert caught.value.message == "The access token is invalid"
    assert fake_mastodon.posts == []


def test_find_looks_for_the_tracked_link_among_recent_statuses(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    post = outgoing(TEXT)
    fake_mastodon.add_status("別の投稿 https://go.example.jp/r/Zz9yXx8w")
    assert connector.find(grant, account, post) is None

    published = connector.publish(grant, account, post)
    fake_mastodon.add_status("その後の投稿です")

    assert connector.find(grant, account, post) == published
    asked = fake_mastodon.seen("GET", f"/api/v1/accounts/{account.remote_id}/statuses")[-1]
    assert asked.param("limit") == "40"
    assert asked.param("exclude_reblogs") == "true"


def test_find_reads_the_link_from_the_href_of_a_long_url(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    long_url = "https://go.example.jp/r/Ab3dEf9h?utm_source=mastodon&utm_medium=social"
    post = outgoing(f"ご覧ください {long_url}", url=long_url)
    status = fake_mastodon.add_status(post.text)
    assert "&amp;utm_medium" in status["content"]  # the HTML escapes it; the shown text is cut

    assert connector.find(grant, account, post) == Published(
        remote_id=status["id"], url=status["url"]
    )


def test_metrics_read_the_counts(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    published = connector.publish(grant, account, outgoing(TEXT))
    fake_mastodon.set_counts(published.remote_id, favourites=8, reblogs=3, replies=1)

    assert connector.metrics(grant, account, published.remote_id) == PostMetrics(
        likes=8, reposts=3, replies=1
    )


def test_metrics_of_a_deleted_status_are_none(
    connector: MastodonConnector, grant: Grant, account: Profile
) -> None:
    assert connector.metrics(grant, account, "1") is None


# --- Failures ------------------------------------------------------------------------------------


def test_rate_limited_with_mastodons_iso_reset(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    reset = (datetime.now(UTC) + timedelta(minutes=5)).isoformat(timespec="microseconds")
    fake_mastodon.fail_next(
        "POST",
        STATUSES,
        429,
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.replace("+00:00", "Z"),
        },
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(grant, account, outgoing(TEXT))

    assert caught.value.retry_after is not None
    assert 290 <= caught.value.retry_after <= 300
    assert caught.value.message == "Too many requests"


def test_reconciliation_rate_limited(
    connector: MastodonConnector, fake_mastodon: FakeMastodon, grant: Grant, account: Profile
) -> None:
    fake_mastodon.rate_limit_next("GET", "/api/v1/accounts/", seconds=60)

    with pytest.raises(RateLimited) as caught:
        connector.find(grant, account, outgoing(TEXT))

    assert caught.value.retry_after is not None
    assert 50 <= caught.value.retry_after <= 60


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(
    connector: MastodonConnector,
    fake_mastodon: FakeMastodon,
    grant: Grant,
    account: Profile,
    status: int,
) -> None:
    fake_mastodon.fail_next("POST", STATUSES, status)

    with pytest.raises(ConnectorError) as caught:
        connector.publish(grant, account, outgoing(TEXT))

    assert not caught.value.permanent
    assert caught.value.status == status
    assert fake_mastodon.posts == []
    connector.publish(grant, account, outgoing(TEXT))  # the next attempt goes through
    assert len(fake_mastodon.posts) == 1
