"""The hot path: ``/r/<code>`` answered by a small ASGI app in front of Django.

No Django middleware and, once warm, no query per request: the link comes from the process's
cache (``tracking.links``), the visitor is hashed with the day's salt held in memory, and the
click row is appended to the process's journal (``tracking.journal``, one ``write(2)``) before
the visitor is answered; a thread closes the journal every second and the worker moves closed
journals into the database. Everything else goes on to Django; ``lifespan`` is answered here.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection

from ouendan.core.clients import client_address
from ouendan.tracking.capture import (
    REDIRECT_HEADERS,
    Visit,
    click_capture,
    not_found_page,
    preview_page,
    redirect_location,
)
from ouendan.tracking.journal import ClickJournal
from ouendan.tracking.links import LinkCache, LinkRecord, code_valid, link_record_load
from ouendan.tracking.visitors import salt_day, visitor_salt

logger = logging.getLogger("ouendan.tracking")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]  # Django's handler, typed more narrowly by asgiref

PREFIX = "/r/"
HTML = (b"content-type", b"text/html; charset=utf-8")
_READ_HEADERS = frozenset(
    {
        b"user-agent",
        b"referer",
        b"sec-purpose",
        b"purpose",
        b"cookie",
        b"x-forwarded-for",
        b"accept-language",
    }
)
_REDIRECT_HEADERS = (*REDIRECT_HEADERS, (b"content-length", b"0"))
_EMPTY_BODY = {"type": "http.response.body", "body": b""}


def _with_connections_closed(function: Callable[..., Any], *args: Any) -> Any:
    """Run a lookup in a pool thread on a connection of its own, closed afterwards: lookups
    are rare once the cache is warm, and no idle connection is left behind."""
    try:
        return function(*args)
    finally:
        connection.close()


def session_user_id(session_key: str) -> int | None:
    """The person signed in with this session, if any (only asked when the cookie is sent)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    value = store.get(SESSION_KEY)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


class TrackedLinkApp:
    """``application = TrackedLinkApp(get_asgi_application())``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.links = LinkCache()
        self.journal = ClickJournal()
        self._db = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ouendan-links")
        self._salt: tuple[date, bytes] | None = None
        # Read once: the hot path does not go through the settings object per request.
        self._session_cookie = settings.SESSION_COOKIE_NAME
        self._behind_proxy = bool(settings.SECURE_PROXY_SSL_HEADER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            await self.redirect(scope, send)
        elif scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        else:
            await self.app(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # What start-up loaded lives as long as the process: out of the collector's
                # sight, a full collection no longer walks it (a pause of milliseconds that
                # landed on some redirect's latency).
                gc.freeze()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.get_running_loop().run_in_executor(None, self.journal.stop)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, _with_connections_closed, function, *args)

    async def _link(self, code: str) -> LinkRecord | None:
        found, record = self.links.get(code)
        if not found:
            record = await self._in_thread(link_record_load, code)
            self.links.put(code, record)
        return record

    async def _day_salt(self, now: datetime) -> tuple[date, bytes]:
        day = salt_day(now)
        if self._salt is None or self._salt[0] != day:
            self._salt = (day, await self._in_thread(visitor_salt, day))
        return self._salt

    async def redirect(self, scope: Scope, send: Send) -> None:
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            await self._respond(send, 405, [(b"allow", b"GET, HEAD")], b"", method)
            return
        code = scope["path"][len(PREFIX) :].rstrip("/")
        found, link = self.links.get(code)  # the steady state: no coroutine, no query
        if not found:
            link = await self._link(code) if code_valid(code) else None
        headers = {  # only the few headers we read, decoded (the rest are never looked at)
            key.decode("latin-1"): value.decode("latin-1")
            for key, value in scope["headers"]
            if key in _READ_HEADERS
        }
        if link is None:
            body = not_found_page(headers.get("accept-language", "")).encode()
            await self._respond(send, 404, [HTML, (b"cache-control", b"no-store")], body, method)
            return
        now = datetime.now(UTC)
        salt_of_day = self._salt
        if salt_of_day is None or salt_of_day[0] != now.date():  # now is UTC: its date is the day
            salt_of_day = await self._day_salt(now)
        day, salt = salt_of_day
        cookies = headers.get("cookie")
        session_key = _cookie(cookies, self._session_cookie) if cookies else ""
        client = scope.get("client") or ("", 0)
        forwarded = headers.get("x-forwarded-for", "") if self._behind_proxy else ""
        visit = Visit(
            method=method,
            address=client_address(client[0], forwarded) if forwarded else client[0],
            user_agent=headers.get("user-agent", ""),
            purpose=headers.get("sec-purpose", "") or headers.get("purpose", ""),
            referer=headers.get("referer", ""),
            session_user_id=await self._in_thread(session_user_id, session_key)
            if session_key
            else None,
        )
        captured = click_capture(visit, link, salt=salt, day=day, now=now)
        try:
            self.journal.append(captured.row)
        except OSError:  # the disk refused it: this visitor cannot be counted, so not answered
            logger.exception("a click could not be recorded")
            await self._respond(send, 503, [(b"retry-after", b"1")], b"", method)
            return
        if captured.verdict.preview:
            body = preview_page(link).encode()
            await self._respond(send, 200, [HTML, *REDIRECT_HEADERS], body, method)
            return
        location = redirect_location(link, captured.click_id).encode("latin-1")
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [(b"location", location), *_REDIRECT_HEADERS],
            }
        )
        await send(_EMPTY_BODY)

    @staticmethod
    async def _respond(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, method: str
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
