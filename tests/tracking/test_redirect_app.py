"""The ASGI redirect app in front of Django, driven over the ASGI protocol itself."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.asgi import get_asgi_application

from ouendan.tracking.capture import ClickRow
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.redirect import TrackedLinkApp
from ouendan.tracking.writer import clicks_insert_missing, spool_dir, spool_replay, spool_write
from tests.tracking.test_bots import BROWSERS, PREVIEW_FETCHERS

pytestmark = pytest.mark.django_db(transaction=True)

IPHONE = BROWSERS["iPhone Safari"][0]


async def call(app: Any, scope: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    sent: list[dict[str, Any]] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], headers, body


def http(path: str, *, method: str = "GET", agent: str = IPHONE, **headers: str) -> dict[str, Any]:
    raw = [(b"user-agent", agent.encode()), *((k.encode(), v.encode()) for k, v in headers.items())]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *raw],
        "client": ("198.51.100.9", 50000),
        "server": ("testserver", 80),
    }


@pytest.fixture
def app() -> Any:
    app = TrackedLinkApp(get_asgi_application())
    yield app
    app.writer.stop()
    app._db.shutdown(wait=True)


def test_a_click_is_stored_before_the_redirect_is_sent(app: Any, link: TrackedLink):
    status, headers, body = asyncio.run(call(app, http(f"/r/{link.code}")))
    assert status == 302 and body == b""
    assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
    click = Click.objects.get()  # already there: the answer waited for it
    assert headers["location"].endswith(f"&oud_cid={click.click_id}#date")
    assert not click.bot and click.device == "mobile"


def test_the_link_is_looked_up_once_then_kept(app: Any, link: TrackedLink):
    async def twice() -> None:
        await call(app, http(f"/r/{link.code}"))
        await call(app, http(f"/r/{link.code}", agent=BROWSERS["Mac Safari"][0]))

    assert app.links.get(link.code) == (False, None)
    asyncio.run(twice())
    found, record = app.links.get(link.code)
    assert found and record.link_id == link.pk
    assert Click.objects.count() == 2


def test_many_concurrent_clicks_are_all_stored(app: Any, link: TrackedLink):
    async def many() -> list[int]:
        answers = await asyncio.gather(*(call(app, http(f"/r/{link.code}")) for _ in range(200)))
        return [status for status, _, _ in answers]

    assert asyncio.run(many()) == [302] * 200
    assert Click.objects.count() == 200
    assert Click.objects.values("click_id").distinct().count() == 200


def test_previews_unknown_codes_and_other_methods(app: Any, link: TrackedLink):
    status, headers, body = asyncio.run(
        call(app, http(f"/r/{link.code}", agent=PREVIEW_FETCHERS["Slack"]))
    )
    assert status == 200 and b'property="og:title"' in body
    status, _, body = asyncio.run(call(app, http(f"/r/{link.code}", method="HEAD")))
    assert status == 302 and body == b""
    status, _, body = asyncio.run(call(app, http("/r/Unknown9", **{"accept-language": "en"})))
    assert status == 404 and b"Link not found" in body
    status, headers, _ = asyncio.run(call(app, http(f"/r/{link.code}", method="POST")))
    assert status == 405 and headers["allow"] == "GET, HEAD"
    assert list(Click.objects.order_by("id").values_list("reason", flat=True)) == [
        "preview",
        "head",
    ]


def test_everything_else_goes_to_django(app: Any, db: None):
    status, _, body = asyncio.run(call(app, http("/healthz")))
    assert status == 200 and b"ok" in body.lower()


def test_lifespan_is_answered(app: Any):
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    asyncio.run(app({"type": "lifespan"}, receive, send))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def _row(link: TrackedLink, click_id: str) -> ClickRow:
    now = datetime.now(UTC)
    return (
        link.organization_id,
        link.pk,
        click_id,
        now,
        now.date(),
        "h" * 32,
        False,
        "",
        False,
        "mobile",
        "",
        False,
        False,
    )


def test_spooled_clicks_are_replayed_once(link: TrackedLink, settings: Any, tmp_path: Any):
    settings.VAR_DIR = tmp_path
    spool_write([_row(link, "spooled-1"), _row(link, "spooled-2")])
    path = next(spool_dir().glob("*.jsonl"))
    with path.open("a") as handle:
        handle.write('[1, 2, "cut sho')  # a crash mid-line: that visitor was never answered
    clicks_insert_missing([_row(link, "spooled-1")])  # one made it to the database already
    assert spool_replay() == 1
    assert sorted(Click.objects.values_list("click_id", flat=True)) == ["spooled-1", "spooled-2"]
    assert not list(spool_dir().glob("*.jsonl")) and spool_replay() == 0
