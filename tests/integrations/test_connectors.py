"""What every connector shares: when to try again (``http.retry_after``), the address guard, and
the fakes' own machinery the crash tests rely on (failure injection, the hold hook)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from ouendan.integrations.base import (
    AppCredentials,
    Connector,
    ConnectorConfig,
    ConnectorError,
    Grant,
    Profile,
)
from ouendan.integrations.bluesky import BlueskyConnector
from ouendan.integrations.http import RETRY_AFTER_MAX, retry_after
from ouendan.integrations.linkedin import LinkedInConnector
from ouendan.integrations.mastodon import MastodonConnector, app_register
from ouendan.integrations.x import XConnector
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeNetwork, FakeX
from tests.integrations.support import TRACKED, outgoing

NOW = datetime(2026, 4, 1, 9, 0, 0, tzinfo=UTC)


# --- retry_after ---------------------------------------------------------------------------------


def _after(**headers: str) -> float | None:
    return retry_after(httpx.Headers({k.replace("_", "-"): v for k, v in headers.items()}), now=NOW)


def test_retry_after_in_seconds() -> None:
    assert _after(retry_after="120") == 120.0
    assert _after(retry_after=" 0 ") == 0.0


def test_retry_after_as_an_http_date() -> None:
    assert _after(retry_after=format_datetime(NOW + timedelta(seconds=90), usegmt=True)) == 90.0
    assert _after(retry_after="Wed, 01 Apr 2026 09:05:00 GMT") == 300.0


def test_retry_after_in_the_past_is_now() -> None:
    assert _after(retry_after=format_datetime(NOW - timedelta(hours=1), usegmt=True)) == 0.0
    assert _after(x_rate_limit_reset=str(int(NOW.timestamp()) - 10)) == 0.0


def test_retry_after_is_capped_at_a_day() -> None:
    assert _after(retry_after="9999999") == RETRY_AFTER_MAX == 86400.0
    assert _after(x_rate_limit_reset=str(int(NOW.timestamp()) + 10 * 86400)) == 86400.0


def test_xs_reset_in_epoch_seconds() -> None:
    assert _after(x_rate_limit_reset=str(int(NOW.timestamp()) + 900)) == 900.0


def test_blueskys_reset_in_epoch_seconds() -> None:
    assert _after(ratelimit_reset=str(int(NOW.timestamp()) + 45)) == 45.0


@pytest.mark.parametrize(
    "value",
    ["2026-04-01T09:10:00.000Z", "2026-04-01T09:10:00Z", "2026-04-01T18:10:00+09:00"],
)
def test_mastodons_reset_as_iso_8601(value: str) -> None:
    assert _after(x_ratelimit_reset=value) == 600.0


def test_retry_after_wins_over_a_reset_time() -> None:
    assert _after(retry_after="5", x_rate_limit_reset=str(int(NOW.timestamp()) + 900)) == 5.0


@pytest.mark.parametrize(
    "headers",
    [{}, {"retry_after": "soon"}, {"x_ratelimit_reset": "tomorrow"}, {"x_rate_limit_reset": "x"}],
)
def test_no_usable_header_is_none(headers: dict[str, str]) -> None:
    assert _after(**headers) is None


# --- The address guard ---------------------------------------------------------------------------


def test_a_guarded_connector_does_not_reach_loopback_without_the_setting(
    settings: Any, fake_bluesky: FakeBluesky
) -> None:
    settings.INTEGRATIONS_ALLOW_LOOPBACK = False
    connector = BlueskyConnector(ConnectorConfig(api_url=fake_bluesky.url, guarded=True))

    with pytest.raises(ConnectorError):
        connector.login(identifier="mirai.bsky.social", password="abcd-efgh-ijkl-mnop")

    assert fake_bluesky.requests == []


def test_a_refused_address_is_a_permanent_address_refused(
    settings: Any, fake_mastodon: FakeMastodon
) -> None:
    settings.INTEGRATIONS_ALLOW_LOOPBACK = False
    config = ConnectorConfig(api_url=fake_mastodon.url, guarded=True)

    with pytest.raises(ConnectorError) as caught:
        app_register(config, redirect_uri="https://ouendan.example/cb", website="https://o.example")

    assert caught.value.code == "address_refused"
    assert caught.value.permanent


def test_with_the_setting_a_guarded_connector_reaches_loopback(
    settings: Any, fake_mastodon: FakeMastodon
) -> None:
    settings.INTEGRATIONS_ALLOW_LOOPBACK = True
    config = ConnectorConfig(api_url=fake_mastodon.url, guarded=True)

    app = app_register(config, redirect_uri="https://ouendan.example/cb", website="")

    assert app.client_id in fake_mastodon.apps


def test_an_unguarded_connector_is_not_vetted(settings: Any, fake_x: FakeX) -> None:
    settings.INTEGRATIONS_ALLOW_LOOPBACK = False  # X's address comes from settings, not people
    connector = XConnector(
        ConnectorConfig(api_url=fake_x.url, auth_url=fake_x.url + "/i/oauth2/authorize"),
        app=AppCredentials(client_id=fake_x.client_id, client_secret=fake_x.client_secret),
    )

    assert connector.profile(Grant(access_token=fake_x.issue_token())).followers == 2024


def test_an_address_nobody_listens_on_is_retryable(settings: Any) -> None:
    settings.INTEGRATIONS_ALLOW_LOOPBACK = True
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connector = BlueskyConnector(ConnectorConfig(api_url=f"http://127.0.0.1:{port}", guarded=True))

    with pytest.raises(ConnectorError) as caught:
        connector.profile(Grant(access_token="x"))

    assert caught.value.code == "unreachable"
    assert not caught.value.permanent


def test_a_redirect_is_not_followed(fake_mastodon: FakeMastodon, loopback: None) -> None:
    app = fake_mastodon.register_app("https://ouendan.example/cb")
    connector = MastodonConnector(
        ConnectorConfig(api_url=fake_mastodon.url, guarded=True),
        app=AppCredentials(client_id=app.client_id, client_secret=app.client_secret),
    )
    fake_mastodon.fail_next(
        "GET", "/api/v1/accounts/verify_credentials", 301,
        body=b"", headers={"Location": "http://169.254.169.254/latest/meta-data/"},
    )  # fmt: skip

    with pytest.raises(ConnectorError) as caught:
        connector.profile(Grant(access_token=fake_mastodon.issue_token()))

    assert caught.value.code == "redirected"
    assert caught.value.permanent
    assert len(fake_mastodon.requests) == 1


def test_an_error_page_that_is_not_json(fake_mastodon: FakeMastodon, loopback: None) -> None:
    connector = MastodonConnector(ConnectorConfig(api_url=fake_mastodon.url, guarded=True))
    fake_mastodon.fail_next(
        "GET", "/api/v1/accounts/verify_credentials", 502, body="<html>Bad Gateway</html>"
    )

    with pytest.raises(ConnectorError) as caught:
        connector.profile(Grant(access_token=fake_mastodon.issue_token()))

    assert caught.value.message == "HTTP 502"
    assert not caught.value.permanent


# --- Every network, ready to post ----------------------------------------------------------------

Ready = tuple[FakeNetwork, Connector, Grant, Profile]


def _bluesky() -> Iterator[Ready]:
    with FakeBluesky() as fake:
        connector = BlueskyConnector(ConnectorConfig(api_url=fake.url, guarded=True))
        grant, profile = connector.login(
            identifier="mirai.bsky.social", password="abcd-efgh-ijkl-mnop"
        )
        yield fake, connector, grant, profile


def _mastodon() -> Iterator[Ready]:
    with FakeMastodon() as fake:
        app = fake.register_app("https://ouendan.example/cb")
        connector = MastodonConnector(
            ConnectorConfig(api_url=fake.url, guarded=True),
            app=AppCredentials(client_id=app.client_id, client_secret=app.client_secret),
        )
        grant = Grant(access_token=fake.issue_token())
        yield fake, connector, grant, connector.profile(grant)


def _linkedin() -> Iterator[Ready]:
    with FakeLinkedIn() as fake:
        connector = LinkedInConnector(
            ConnectorConfig(
                api_url=fake.url, auth_url=fake.url + "/oauth/v2", api_version="202610"
            ),
            app=AppCredentials(client_id=fake.client_id, client_secret=fake.client_secret),
        )
        grant = Grant(
            access_token=fake.issue_token("openid profile w_member_social r_member_social")
        )
        yield fake, connector, grant, connector.profile(grant)


def _x() -> Iterator[Ready]:
    with FakeX() as fake:
        connector = XConnector(
            ConnectorConfig(api_url=fake.url, auth_url=fake.url + "/i/oauth2/authorize"),
            app=AppCredentials(client_id=fake.client_id, client_secret=fake.client_secret),
        )
        grant = Grant(access_token=fake.issue_token())
        yield fake, connector, grant, connector.profile(grant)


NETWORKS: dict[str, Callable[[], Iterator[Ready]]] = {
    "bluesky": _bluesky,
    "mastodon": _mastodon,
    "linkedin": _linkedin,
    "x": _x,
}
TEXT = f"新製品のご案内です🎉 {TRACKED} #社員"


@pytest.fixture(params=sorted(NETWORKS))
def ready(request: pytest.FixtureRequest, loopback: None) -> Iterator[Ready]:
    yield from NETWORKS[request.param]()


def _posts(fake: FakeNetwork) -> int:
    return len(fake.posts)  # type: ignore[attr-defined]


def test_the_hold_hook_keeps_the_answer_after_the_post_is_recorded(ready: Ready) -> None:
    fake, connector, grant, profile = ready
    post = outgoing(TEXT)
    fake.hold_after_create = threading.Event()

    with ThreadPoolExecutor(1) as pool:
        publishing = pool.submit(connector.publish, grant, profile, post)
        assert fake.post_recorded.wait(10)

        # The network has the post; the publisher has heard nothing yet. Reconciliation from
        # elsewhere (the retry after a crash) already finds it.
        assert _posts(fake) == 1
        assert not publishing.done()
        found = connector.find(grant, profile, post)
        assert found is not None
        assert not publishing.done()

        fake.release()
        assert publishing.result(timeout=10) == found
    assert _posts(fake) == 1


def test_the_hold_delay_slows_the_answer(ready: Ready) -> None:
    fake, connector, grant, profile = ready
    fake.hold_delay = 0.3
    started = time.monotonic()

    connector.publish(grant, profile, outgoing(TEXT))

    assert time.monotonic() - started >= 0.3
    assert fake.post_recorded.is_set()


def test_stopping_the_fake_lets_a_held_answer_go() -> None:
    fake = FakeX().start()
    token = fake.issue_token()
    fake.hold_after_create = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(
            httpx.post,
            f"{fake.url}/2/tweets",
            json={"text": "held"},
            headers={"Authorization": f"Bearer {token}"},
            trust_env=False,
        )
        assert fake.post_recorded.wait(10)

        fake.stop()

        assert answer.result(timeout=10).status_code == 201


def test_a_client_that_goes_away_while_held_leaves_the_post_and_the_fake_running(
    fake_x: FakeX,
) -> None:
    token = fake_x.issue_token()
    fake_x.hold_after_create = threading.Event()
    body = b'{"text": "a worker that died"}'
    request = (
        f"POST /2/tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", fake_x.port)) as worker:
        worker.sendall(request)
        assert fake_x.post_recorded.wait(10)
    fake_x.release()  # the answer goes to a closed socket

    answer = httpx.get(
        f"{fake_x.url}/2/users/{fake_x.user_id}/tweets",
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
    )
    assert answer.status_code == 200
    assert [t["text"] for t in answer.json()["data"]] == ["a worker that died"]


# --- Failure injection ---------------------------------------------------------------------------


def test_fail_next_answers_that_many_times_then_the_real_thing(fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.fail_next("GET", "/api/v2/instance", 503, headers={"Retry-After": "3"}, times=2)

    answers = [httpx.get(f"{fake_mastodon.url}/api/v2/instance", trust_env=False) for _ in range(3)]

    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].headers["retry-after"] == "3"
    assert answers[0].json() == {"error": "Service Unavailable"}  # Mastodon's error shape
    assert [r.injected for r in fake_mastodon.seen("GET", "/api/v2/instance")] == [
        True,
        True,
        False,
    ]


def test_fail_next_matches_the_method_and_a_path_prefix(fake_x: FakeX) -> None:
    fake_x.fail_next("*", "/2/users/", 500)
    token = fake_x.issue_token()
    headers = {"Authorization": f"Bearer {token}"}

    client = httpx.Client(base_url=fake_x.url, headers=headers, trust_env=False)

    wrong_path = client.post("/2/tweets", json={"text": "a"})
    matched = client.get("/2/users/me")
    after = client.get("/2/users/me")

    assert (wrong_path.status_code, matched.status_code, after.status_code) == (201, 500, 200)
    assert matched.json() == {
        "title": "Internal Server Error",
        "detail": "Internal Server Error",
        "type": "about:blank",
        "status": 500,
    }


def test_each_fake_speaks_its_networks_error_format() -> None:
    assert FakeBluesky().error_body(429) == {
        "error": "RateLimitExceeded",
        "message": "Too Many Requests",
    }
    assert FakeMastodon().error_body(401) == {"error": "The access token is invalid"}
    assert FakeLinkedIn().error_body(429) == {"status": 429, "message": "Too Many Requests"}
    assert FakeX().error_body(429)["title"] == "Too Many Requests"
