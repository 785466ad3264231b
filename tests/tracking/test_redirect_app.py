"""The ASGI redirect app in front of Django, driven over the ASGI protocol itself."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.asgi import get_asgi_application

from ouendan.tracking.capture import ClickRow
from ouendan.tracking.journal import ClickJournal, clicks_insert_missing, encode_row, journal_ingest
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.redirect import TrackedLinkApp
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
    app.journal.stop()
    app._db.shutdown(wait=True)


def test_a_click_is_journaled_before_the_redirect_is_sent(app: Any, link: TrackedLink):
    status, headers, body = asyncio.run(call(app, http(f"/r/{link.code}")))
    assert status == 302 and body == b""
    assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
    (journal,) = app.journal.directory.glob("*.open")  # written before the answer
    assert journal.read_bytes().count(b"\n") == 1
    assert app.journal.flush() == 1
    click = Click.objects.get()
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
    assert app.journal.flush() == 2


def test_many_concurrent_clicks_are_all_stored(app: Any, link: TrackedLink):
    async def many() -> list[int]:
        answers = await asyncio.gather(*(call(app, http(f"/r/{link.code}")) for _ in range(200)))
        return [status for status, _, _ in answers]

    assert asyncio.run(many()) == [302] * 200
    app.journal.flush()
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
    app.journal.flush()
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


def test_journals_are_moved_once_even_after_a_crash(
    link: TrackedLink, settings: Any, tmp_path: Any
):
    settings.VAR_DIR = tmp_path
    journal = ClickJournal()
    journal.append(_row(link, "journaled-1"))
    journal.append(_row(link, "journaled-2"))
    (open_file,) = journal.directory.glob("*.open")
    with open_file.open("ab") as handle:
        handle.write(b'[1, 2, "cut sho')  # killed mid-line: that visitor was never answered
    assert journal_ingest() == 0  # its writer is alive and holds the lock: not touched
    # The writer dies (its lock goes with it): the next mover takes the journal.
    os.close(journal._fd)
    journal._fd = None
    clicks_insert_missing([_row(link, "journaled-1")])  # one made it to the database already
    assert journal_ingest() == 1
    assert sorted(Click.objects.values_list("click_id", flat=True)) == [
        "journaled-1",
        "journaled-2",
    ]
    assert not list(journal.directory.iterdir()) and journal_ingest() == 0
    assert encode_row(_row(link, "x")).endswith(b"\n")
    journal.stop()
