"""Fake social networks for the connector tests: real HTTP servers on 127.0.0.1, one class per
network, each answering the documented endpoints our connectors call — with the networks' own
field names, status codes and error bodies — and keeping what it was sent so tests can look.

Every fake is a ``FakeNetwork``:

- ``with FakeBluesky() as fake:`` (or the ``fake_*`` fixtures in ``conftest.py``) starts it on a
  free port and stops it afterwards; ``fake.url`` is its root (``http://127.0.0.1:<port>``).
  Threads are daemonic; state is guarded by ``fake.lock``.
- ``fake.errors`` lists exceptions raised by the fake's own code (answered with a 500); the
  fixtures fail the test if there are any.
- ``fake.requests`` holds every request seen (``Seen``: method, path, query, lower-cased headers,
  body, ``json()``/``form()``); ``fake.seen("POST", "/xrpc/com.atproto.repo.createRecord")``
  filters by method and path prefix.
- ``fake.fail_next(method, path_prefix, status, body=None, headers=None, times=1)`` answers the
  next ``times`` matching requests with that status instead of doing the work (``method`` may be
  ``"*"``; ``path_prefix`` is matched against path and query; without ``body`` the network's own
  error body for the status is used). The request is still recorded, with ``injected=True``.
  ``fake.rate_limit_next(method, path_prefix, seconds=60, times=1)`` is a ``429`` with the
  network's own reset header (Bluesky ``ratelimit-reset``, Mastodon ``X-RateLimit-Reset``, X
  ``x-rate-limit-reset``, LinkedIn ``Retry-After``).
- Hold hook, for crash tests: every created post sets ``fake.post_recorded`` (an Event) after it
  is stored and before the answer is sent; if ``fake.hold_after_create`` is an Event, the answer
  then waits until it is set (at most ``fake.hold_timeout`` seconds), and ``fake.hold_delay``
  adds a fixed pause. ``fake.release()`` sets the hold event; ``stop()`` releases it too.
- OAuth authorize pages (Mastodon, LinkedIn, X) answer a GET at once with a ``302`` back to
  ``redirect_uri?code=…&state=…`` while ``fake.auto_approve`` is True (the default: API tests
  read the code from ``Location``). With ``auto_approve = False`` they answer a small HTML page
  with an "Authorize" link and a "Deny" link (for browser tests); both lead to the same URL with
  ``approve=1`` / ``approve=0`` added, which redirects back with the code, or with
  ``error=access_denied``.

Tokens can be issued without the OAuth dance (``issue_token``/``issue_session``) for tests that
are about posting, and posts can be seeded (``add_status``, ``add_post``, ``add_tweet``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import regex

# --- Requests and answers ----------------------------------------------------------------------


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    target: str  # as sent: path and query
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    injected: bool = False  # answered by ``fail_next``

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def param(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """A form body (or a JSON object body: Mastodon takes both), first value of each."""
        if "json" in self.header("content-type"):
            data = self.json()
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
        parsed = parse_qs(self.body.decode(), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    @property
    def bearer(self) -> str:
        value = self.header("authorization")
        return value[7:] if value[:7].lower() == "bearer " else ""

    @property
    def basic(self) -> tuple[str, str] | None:
        value = self.header("authorization")
        if value[:6].lower() != "basic ":
            return None
        try:
            user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        except ValueError:
            return None
        return user, password


@dataclass
class Reply:
    """An answer: ``body`` is JSON unless it is ``str`` (HTML) or ``bytes``."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False  # a post was created: the hold hook applies


class Answer(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def fail(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(Reply(status, body, headers or {}))


def redirect(location: str) -> Reply:
    return Reply(302, b"", {"Location": location})


@dataclass
class Failure:
    method: str
    prefix: str
    status: int
    body: Any
    headers: dict[str, str]
    times: int


Handler = Callable[[Seen, "re.Match[str]"], Reply]


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def approve(authorize_url: str) -> dict[str, str]:
    """Open an authorize URL as a browser would (with ``auto_approve`` on) and return the query
    of where the fake sends the person back: ``code`` and ``state``, or ``error``."""
    answer = _browser().get(authorize_url)
    assert answer.status_code == 302, (answer.status_code, answer.text)
    location = answer.headers["location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()} | {
        "_location": location
    }


_BROWSER: list[httpx.Client] = []


def _browser() -> httpx.Client:
    """One plain-HTTP client for the whole run (a new one costs an SSL context)."""
    if not _BROWSER:
        _BROWSER.append(httpx.Client(follow_redirects=False, trust_env=False, timeout=10))
    return _BROWSER[0]


URL_IN_TEXT = re.compile(r"https?://[^\s\u3000<>\"]+")


# --- The server --------------------------------------------------------------------------------


class FakeNetwork:
    """A ThreadingHTTPServer on 127.0.0.1 with routes, recorded requests, failure injection and
    the hold hook. Subclasses add routes (``route(method, pattern)``) and state."""

    name: ClassVar[str] = "fake"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Seen] = []
        self.errors: list[Exception] = []  # the fake's own failures (answered with a 500)
        self.failures: list[Failure] = []
        self.hold_after_create: threading.Event | None = None
        self.hold_timeout = 30.0
        self.hold_delay = 0.0
        self.post_recorded = threading.Event()
        self.auto_approve = True
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- Lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        fake = self

        class RequestHandler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._dispatch(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"fake-{self.name}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- What tests use ------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests whose method and path (with query) match with
        ``status`` instead of the real thing."""
        with self.lock:
            self.failures.append(
                Failure(
                    method.upper(),
                    path_prefix,
                    status,
                    self.error_body(status) if body is None else body,
                    dict(headers or {}),
                    times,
                )
            )

    def rate_limit_next(
        self, method: str, path_prefix: str, seconds: int = 60, times: int = 1
    ) -> None:
        """A ``429`` for the next matching requests, with the network's own header saying when
        to come back in ``seconds``."""
        self.fail_next(
            method, path_prefix, 429, headers=self.rate_limit_headers(seconds), times=times
        )

    def rate_limit_headers(self, seconds: int) -> dict[str, str]:
        return {"Retry-After": str(seconds)}

    def release(self) -> None:
        """Let held answers go."""
        if self.hold_after_create is not None:
            self.hold_after_create.set()

    def seen(self, method: str = "*", path_prefix: str = "") -> list[Seen]:
        with self.lock:
            return [
                r
                for r in self.requests
                if (method == "*" or r.method == method.upper())
                and r.target.startswith(path_prefix)
            ]

    def error_body(self, status: int) -> Any:
        """The network's error body for a status (what ``fail_next`` sends by default)."""
        return {"error": _phrase(status)}

    def new_id(self) -> int:
        return next(self._ids)

    # --- Plumbing ------------------------------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern), handler))

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        seen = Seen(
            method=handler.command,
            target=handler.path,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        with self.lock:
            self.requests.append(seen)
            reply = self._injected(seen)
            if reply is None:
                reply = self._route(seen)
        if reply.hold:
            self.post_recorded.set()
            hold = self.hold_after_create
            if hold is not None:
                hold.wait(self.hold_timeout)
            if self.hold_delay:
                time.sleep(self.hold_delay)
        self._write(handler, reply)

    def _injected(self, seen: Seen) -> Reply | None:
        for failure in self.failures:
            if failure.method in ("*", seen.method) and seen.target.startswith(failure.prefix):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                seen.injected = True
                return Reply(failure.status, failure.body, dict(failure.headers))
        return None

    def _route(self, seen: Seen) -> Reply:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(seen.path)
            if match and method == seen.method:
                try:
                    return handler(seen, match)
                except Answer as answer:
                    return answer.reply
                except Exception as exc:  # a bug in the fake: kept for the fixture to report
                    self.errors.append(exc)
                    return Reply(500, self.error_body(500))
        return Reply(404, self.error_body(404))

    def _write(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        headers = dict(reply.headers)
        if isinstance(reply.body, bytes):
            data = reply.body
        elif isinstance(reply.body, str):
            data = reply.body.encode()
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        elif reply.body is None:
            data = b""
        else:
            data = json.dumps(reply.body, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        handler.send_response(reply.status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)

    # --- OAuth authorize pages -----------------------------------------------------------------

    def _authorize_answer(self, seen: Seen, redirect_uri: str, state: str, code: str) -> Reply:
        """The consent step: a 302 back with the code (``auto_approve`` or ``approve=1``), with
        ``error=access_denied`` (``approve=0``), or a page offering both."""
        choice = seen.param("approve")
        if choice == "1" or (self.auto_approve and not choice):
            return redirect(_with_query(redirect_uri, code=code, state=state))
        if choice == "0":
            return redirect(_with_query(redirect_uri, error="access_denied", state=state))
        yes = html.escape(_with_query(seen.target, approve="1"))
        no = html.escape(_with_query(seen.target, approve="0"))
        return Reply(
            200,
            f"<!doctype html><html><head><title>{self.name}: authorize</title></head><body>"
            f"<h1>Authorize Ouendan?</h1>"
            f'<p><a id="authorize" href="{yes}">Authorize</a> <a id="deny" href="{no}">Deny</a>'
            f"</p></body></html>",
        )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _now() -> int:
    return int(time.time())


def _iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def _graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


# --- Bluesky (AT Protocol XRPC on a PDS) --------------------------------------------------------

APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


@dataclass
class BskyAccount:
    did: str
    handle: str
    password: str
    display_name: str = ""
    followers: int = 0


@dataclass
class BskySession:
    did: str
    scope: str  # of the access token: com.atproto.appPass or com.atproto.access
    access: str
    refresh: str
    access_exp: int
    refresh_exp: int
    revoked: bool = False


@dataclass
class BskyRecord:
    uri: str
    cid: str
    value: dict[str, Any]
    created: float
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0


class FakeBluesky(FakeNetwork):
    """A PDS (and the AppView reads it proxies). One account to start with: ``handle``,
    ``password`` (an app password unless given otherwise), ``did``; ``add_account`` adds more.

    State: ``accounts``, ``sessions_by_access``/``sessions_by_refresh``, ``records`` (by
    ``(did, collection, rkey)``; ``posts`` lists the posts), ``blobs``.
    Knobs: ``access_ttl``/``refresh_ttl`` (seconds), ``expire_access_tokens()``,
    ``expire_refresh_tokens()``, ``force_scope`` (every new session gets this access scope, e.g.
    ``com.atproto.access`` for a server that ignores app passwords), ``duplicate_rkey_status``
    (500 as the reference PDS answers a taken record key; 400 for ``InvalidRequest``),
    ``set_counts(uri, likes=, reposts=, replies=, quotes=)``.
    """

    name = "bluesky"
    POST = "app.bsky.feed.post"

    def __init__(
        self,
        handle: str = "mirai.bsky.social",
        password: str = "abcd-efgh-ijkl-mnop",
        did: str = "did:plc:mirai5tst7ouendan2fake",
        *,
        display_name: str = "みらい製作所",
        followers: int = 120,
    ) -> None:
        super().__init__()
        self.accounts: dict[str, BskyAccount] = {}
        self.sessions_by_access: dict[str, BskySession] = {}
        self.sessions_by_refresh: dict[str, BskySession] = {}
        self.records: dict[tuple[str, str, str], BskyRecord] = {}
        self.blobs: list[dict[str, Any]] = []
        self.access_ttl = 7200
        self.refresh_ttl = 90 * 24 * 3600
        self.force_scope: str | None = None
        self.duplicate_rkey_status = 500
        self.add_account(handle, password, did, display_name=display_name, followers=followers)
        x = "/xrpc/"
        self.route("POST", x + "com.atproto.server.createSession", self._create_session)
        self.route("POST", x + "com.atproto.server.refreshSession", self._refresh_session)
        self.route("POST", x + "com.atproto.server.deleteSession", self._delete_session)
        self.route("GET", x + "app.bsky.actor.getProfile", self._get_profile)
        self.route("POST", x + "com.atproto.repo.uploadBlob", self._upload_blob)
        self.route("POST", x + "com.atproto.repo.createRecord", self._create_record)
        self.route("GET", x + "com.atproto.repo.getRecord", self._get_record)
        self.route("GET", x + "app.bsky.feed.getPosts", self._get_posts)

    # --- For tests -----------------------------------------------------------------------------

    def add_account(
        self,
        handle: str,
        password: str,
        did: str = "",
        *,
        display_name: str = "",
        followers: int = 0,
    ) -> BskyAccount:
        did = did or f"did:plc:{secrets.token_hex(12)}"
        account = BskyAccount(did, handle, password, display_name, followers)
        with self.lock:
            self.accounts[did] = account
        return account

    @property
    def account(self) -> BskyAccount:
        return next(iter(self.accounts.values()))

    def issue_session(self, did: str = "", scope: str = "") -> BskySession:
        did = did or self.account.did
        with self.lock:
            return self._session_new(did, scope or "com.atproto.appPass")

    def expire_access_tokens(self) -> None:
        with self.lock:
            for session in self.sessions_by_access.values():
                session.access_exp = _now() - 60

    def expire_refresh_tokens(self) -> None:
        with self.lock:
            for session in self.sessions_by_refresh.values():
                session.refresh_exp = _now() - 60

    @property
    def posts(self) -> list[BskyRecord]:
        with self.lock:
            return [r for (_, c, _), r in self.records.items() if c == self.POST]

    def post(self, uri: str) -> BskyRecord:
        with self.lock:
            return next(r for r in self.records.values() if r.uri == uri)

    def set_counts(self, uri: str, **counts: int) -> None:
        with self.lock:
            record = self.post(uri)
            for name, value in counts.items():
                assert name in {"likes", "reposts", "replies", "quotes"}, name
                setattr(record, name, value)

    def rate_limit_headers(self, seconds: int) -> dict[str, str]:
        return {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(_now() + seconds),
            "ratelimit-policy": "5000;w=3600",
        }

    def error_body(self, status: int) -> Any:
        names = {
            400: "InvalidRequest",
            401: "AuthenticationRequired",
            403: "Forbidden",
            404: "NotFound",
            429: "RateLimitExceeded",
            502: "UpstreamFailure",
        }
        name = names.get(status, "InternalServerError" if status >= 500 else "InvalidRequest")
        return {"error": name, "message": _phrase(status)}

    # --- Tokens --------------------------------------------------------------------------------

    def _jwt(self, claims: dict[str, Any]) -> str:
        header = b64url(json.dumps({"typ": "at+jwt", "alg": "HS256"}).encode())
        payload = b64url(json.dumps(claims).encode())
        return f"{header}.{payload}.{b64url(secrets.token_bytes(32))}"

    def _session_new(self, did: str, scope: str) -> BskySession:
        now = _now()
        aud = f"did:web:127.0.0.1%3A{self.port}" if self._httpd else "did:web:fake"
        access_exp, refresh_exp = now + self.access_ttl, now + self.refresh_ttl
        session = BskySession(
            did=did,
            scope=scope,
            access=self._jwt(
                {"scope": scope, "sub": did, "aud": aud, "iat": now, "exp": access_exp}
            ),
            refresh=self._jwt(
                {
                    "scope": "com.atproto.refresh",
                    "sub": did,
                    "aud": aud,
                    "jti": secrets.token_urlsafe(16),
                    "iat": now,
                    "exp": refresh_exp,
                }
            ),
            access_exp=access_exp,
            refresh_exp=refresh_exp,
        )
        self.sessions_by_access[session.access] = session
        self.sessions_by_refresh[session.refresh] = session
        return session

    def _session_body(self, session: BskySession) -> dict[str, Any]:
        account = self.accounts[session.did]
        return {
            "accessJwt": session.access,
            "refreshJwt": session.refresh,
            "handle": account.handle,
            "did": account.did,
            "active": True,
        }

    def _authed(self, seen: Seen, *, required: bool = True) -> BskySession | None:
        token = seen.bearer
        if not token:
            if not required:
                return None
            raise fail(
                401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
            )
        if token in self.sessions_by_refresh:
            raise fail(400, {"error": "InvalidToken", "message": "Invalid token type"})
        session = self.sessions_by_access.get(token)
        if session is None or session.revoked:
            raise fail(
                401, {"error": "AuthenticationRequired", "message": "Token could not be verified"}
            )
        if session.access_exp <= _now():
            raise fail(400, {"error": "ExpiredToken", "message": "Token has expired"})
        return session

    def _refresh_authed(self, seen: Seen) -> BskySession:
        session = self.sessions_by_refresh.get(seen.bearer)
        if session is None:
            if seen.bearer in self.sessions_by_access:
                raise fail(400, {"error": "InvalidToken", "message": "Invalid token type"})
            raise fail(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        if session.revoked:
            raise fail(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        if session.refresh_exp <= _now():
            raise fail(400, {"error": "ExpiredToken", "message": "Token has expired"})
        return session

    # --- Endpoints -----------------------------------------------------------------------------

    def _create_session(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.json() or {}
        identifier, password = data.get("identifier"), data.get("password")
        if not isinstance(identifier, str) or not isinstance(password, str):
            raise fail(
                400,
                {"error": "InvalidRequest", "message": 'Input must have the property "identifier"'},
            )
        account = next((a for a in self.accounts.values() if identifier in (a.handle, a.did)), None)
        if account is None or account.password != password:
            raise fail(
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            )
        scope = self.force_scope or (
            "com.atproto.appPass" if APP_PASSWORD.match(password) else "com.atproto.access"
        )
        return Reply(200, self._session_body(self._session_new(account.did, scope)))

    def _refresh_session(self, seen: Seen, _: re.Match[str]) -> Reply:
        old = self._refresh_authed(seen)
        old.revoked = True  # the refresh token is rotated
        return Reply(200, self._session_body(self._session_new(old.did, old.scope)))

    def _delete_session(self, seen: Seen, _: re.Match[str]) -> Reply:
        session = self._refresh_authed(seen)
        session.revoked = True
        return Reply(200)

    def _get_profile(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._authed(seen, required=False)
        actor = seen.param("actor")
        account = next((a for a in self.accounts.values() if actor in (a.did, a.handle)), None)
        if account is None:
            raise fail(400, {"error": "InvalidRequest", "message": "Profile not found"})
        return Reply(
            200,
            {
                "did": account.did,
                "handle": account.handle,
                "displayName": account.display_name,
                "followersCount": account.followers,
                "followsCount": 0,
                "postsCount": sum(
                    1 for r in self.posts if r.uri.startswith(f"at://{account.did}/")
                ),
            },
        )

    def _upload_blob(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._authed(seen)
        digest = hashlib.sha256(seen.body).digest()
        link = "bafkrei" + base64.b32encode(digest).decode().lower().rstrip("=")[:52]
        blob = {
            "$type": "blob",
            "ref": {"$link": link},
            "mimeType": seen.header("content-type") or "application/octet-stream",
            "size": len(seen.body),
        }
        self.blobs.append({**blob, "data": seen.body})
        return Reply(200, {"blob": blob})

    def _create_record(self, seen: Seen, _: re.Match[str]) -> Reply:
        session = self._authed(seen)
        assert session is not None
        data = seen.json() or {}
        repo, collection = data.get("repo"), data.get("collection")
        record = data.get("record")
        if repo not in (session.did, self.accounts[session.did].handle):
            raise fail(400, {"error": "InvalidRequest", "message": "Invalid repo"})
        if not isinstance(collection, str) or not isinstance(record, dict):
            raise fail(
                400, {"error": "InvalidRequest", "message": 'Input must have the property "record"'}
            )
        rkey = data.get("rkey") or self._tid()
        if collection == self.POST:
            self._validate_post(record, rkey)
        key = (session.did, collection, rkey)
        if key in self.records:
            if self.duplicate_rkey_status == 500:
                raise fail(
                    500, {"error": "InternalServerError", "message": "Internal Server Error"}
                )
            raise fail(400, {"error": "InvalidRequest", "message": "Record already exists"})
        uri = f"at://{session.did}/{collection}/{rkey}"
        cid = (
            "bafyrei" + hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:52]
        )
        self.records[key] = BskyRecord(uri=uri, cid=cid, value=record, created=time.time())
        return Reply(
            200,
            {
                "uri": uri,
                "cid": cid,
                "commit": {"cid": "bafyreicommit" + secrets.token_hex(8), "rev": self._tid()},
                "validationStatus": "valid",
            },
            hold=True,
        )

    def _validate_post(self, record: dict[str, Any], rkey: str) -> None:
        def invalid(message: str) -> Answer:
            return fail(400, {"error": "InvalidRequest", "message": message})

        if not TID.match(rkey):
            raise invalid(f"Invalid record key: {rkey} is not a TID")
        text = record.get("text")
        if not isinstance(text, str):
            raise invalid('Invalid app.bsky.feed.post record: Record must have the property "text"')
        if _graphemes(text) > 300 or len(text.encode()) > 3000:
            raise invalid(
                "Invalid app.bsky.feed.post record: "
                "Record/text must not be longer than 300 graphemes"
            )
        if not isinstance(record.get("createdAt"), str):
            raise invalid(
                'Invalid app.bsky.feed.post record: Record must have the property "createdAt"'
            )

    def _tid(self) -> str:
        alphabet = "234567abcdefghijklmnopqrstuvwxyz"
        value = (time.time_ns() // 1000 << 10) | secrets.randbelow(1024)
        return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(13)))

    def _get_record(self, seen: Seen, _: re.Match[str]) -> Reply:
        repo, collection, rkey = seen.param("repo"), seen.param("collection"), seen.param("rkey")
        did = next((a.did for a in self.accounts.values() if repo in (a.did, a.handle)), repo)
        record = self.records.get((did, collection, rkey))
        if record is None:
            raise fail(
                400,
                {
                    "error": "RecordNotFound",
                    "message": f"Could not locate record: at://{did}/{collection}/{rkey}",
                },
            )
        return Reply(200, {"uri": record.uri, "cid": record.cid, "value": record.value})

    def _get_posts(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._authed(seen, required=False)
        posts = []
        for uri in seen.query.get("uris", []):
            record = next((r for r in self.records.values() if r.uri == uri), None)
            if record is None:
                continue
            did = uri.split("/")[2]
            account = self.accounts.get(did)
            posts.append(
                {
                    "uri": record.uri,
                    "cid": record.cid,
                    "author": {"did": did, "handle": account.handle if account else ""},
                    "record": record.value,
                    "likeCount": record.likes,
                    "repostCount": record.reposts,
                    "replyCount": record.replies,
                    "quoteCount": record.quotes,
                    "indexedAt": _iso(record.created),
                }
            )
        return Reply(200, {"posts": posts})


# --- Mastodon -----------------------------------------------------------------------------------


@dataclass
class MastoApp:
    client_id: str
    client_secret: str
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    website: str = ""


@dataclass
class MastoCode:
    client_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str
    method: str
    used: bool = False


@dataclass
class MastoToken:
    client_id: str
    scopes: list[str]
    revoked: bool = False


class FakeMastodon(FakeNetwork):
    """A Mastodon server with one account (``username``, id ``account_id``) on ``domain``.

    State: ``apps`` (by client_id), ``codes``, ``tokens``, ``statuses`` (by id; ``status(id)``),
    ``idempotency`` (``(account_id, key) -> status id``).
    Knobs: ``max_characters`` (500), ``followers``, ``set_counts(id, favourites=, reblogs=,
    replies=)``, ``add_status(text)`` to seed one, ``issue_token(scopes)`` to skip OAuth,
    ``register_app(redirect_uri)`` to skip ``POST /api/v1/apps``. Rate-limit answers carry
    ``X-RateLimit-Reset`` (ISO 8601) when tests inject them with ``fail_next``.
    """

    name = "mastodon"
    URL_LENGTH = 23

    def __init__(
        self,
        domain: str = "mastodon.example",
        username: str = "mirai",
        *,
        account_id: str = "109876543210",
        display_name: str = "みらい製作所",
        followers: int = 321,
        max_characters: int = 500,
    ) -> None:
        super().__init__()
        self.domain = domain
        self.username = username
        self.account_id = account_id
        self.display_name = display_name
        self.followers = followers
        self.max_characters = max_characters
        self.apps: dict[str, MastoApp] = {}
        self.codes: dict[str, MastoCode] = {}
        self.tokens: dict[str, MastoToken] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[tuple[str, str], str] = {}
        self._next_status = 113_000_000_000_000_000
        self.route("POST", "/api/v1/apps", self._apps)
        self.route("GET", "/oauth/authorize", self._authorize)
        self.route("POST", "/oauth/token", self._token)
        self.route("POST", "/oauth/revoke", self._revoke)
        self.route("GET", "/api/v1/accounts/verify_credentials", self._verify_credentials)
        self.route("GET", "/api/v2/instance", self._instance)
        self.route("POST", "/api/v1/statuses", self._post_status)
        self.route("GET", r"/api/v1/accounts/(?P<id>[^/]+)/statuses", self._account_statuses)
        self.route("GET", r"/api/v1/statuses/(?P<id>[^/]+)", self._get_status)

    # --- For tests -----------------------------------------------------------------------------

    def register_app(self, redirect_uri: str, scopes: str = "read write") -> MastoApp:
        app = MastoApp(
            client_id=secrets.token_urlsafe(24),
            client_secret=secrets.token_urlsafe(32),
            name="Ouendan",
            redirect_uris=redirect_uri.split(),
            scopes=scopes.split(),
        )
        with self.lock:
            self.apps[app.client_id] = app
        return app

    def issue_token(
        self, scopes: str = "read:accounts read:statuses write:statuses", client_id: str = ""
    ) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = MastoToken(client_id=client_id, scopes=scopes.split())
        return token

    def status(self, status_id: str) -> dict[str, Any]:
        with self.lock:
            return self.statuses[status_id]

    @property
    def posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.statuses.values())

    def set_counts(self, status_id: str, **counts: int) -> None:
        with self.lock:
            status = self.statuses[status_id]
            for name, value in counts.items():
                assert name in {"favourites", "reblogs", "replies"}, name
                status[f"{name}_count"] = value

    def add_status(self, text: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            return self._status_new(text, fields)

    def rate_limit_headers(self, seconds: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": _iso(time.time() + seconds),
        }

    def error_body(self, status: int) -> Any:
        messages = {
            401: "The access token is invalid",
            404: "Record not found",
            429: "Too many requests",
            503: "Service Unavailable",
        }
        return {"error": messages.get(status, _phrase(status))}

    # --- Helpers -------------------------------------------------------------------------------

    def _account(self) -> dict[str, Any]:
        return {
            "id": self.account_id,
            "username": self.username,
            "acct": self.username,
            "display_name": self.display_name,
            "url": f"https://{self.domain}/@{self.username}",
            "followers_count": self.followers,
            "following_count": 10,
            "statuses_count": len(self.statuses),
        }

    def _token_of(self, seen: Seen, scope: str = "") -> MastoToken:
        token = self.tokens.get(seen.bearer)
        if token is None or token.revoked:
            raise fail(401, {"error": "The access token is invalid"})
        if scope and not _mastodon_scope_ok(token.scopes, scope):
            raise fail(403, {"error": "This action is outside the authorized scopes"})
        return token

    def _length(self, text: str) -> int:
        return _graphemes(URL_IN_TEXT.sub("x" * self.URL_LENGTH, text))

    def _status_new(self, text: str, fields: dict[str, Any]) -> dict[str, Any]:
        self._next_status += 1 + secrets.randbelow(1000)
        status_id = str(self._next_status)
        url = f"https://{self.domain}/@{self.username}/{status_id}"
        status = {
            "id": status_id,
            "created_at": _iso(time.time()),
            "uri": f"https://{self.domain}/users/{self.username}/statuses/{status_id}",
            "url": url,
            "content": _mastodon_html(text),
            "visibility": "public",
            "language": "ja",
            "favourites_count": 0,
            "reblogs_count": 0,
            "replies_count": 0,
            "reblog": None,
            "card": None,
            "account": self._account(),
            "text_sent": text,  # not Mastodon's: what the fake was sent, for tests
            **fields,
        }
        self.statuses[status_id] = status
        return status

    # --- Endpoints -----------------------------------------------------------------------------

    def _apps(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        if not data.get("client_name"):
            raise fail(422, {"error": "Validation failed: Application name can't be blank"})
        if not data.get("redirect_uris"):
            raise fail(422, {"error": "Validation failed: Redirect URI can't be blank"})
        app = self.register_app(data["redirect_uris"], data.get("scopes") or "read")
        app.name, app.website = data["client_name"], data.get("website", "")
        return Reply(
            200,
            {
                "id": str(self.new_id()),
                "name": app.name,
                "website": app.website or None,
                "scopes": app.scopes,
                "redirect_uri": "\n".join(app.redirect_uris),
                "redirect_uris": app.redirect_uris,
                "vapid_key": b64url(secrets.token_bytes(65)),
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "client_secret_expires_at": 0,
            },
        )

    def _authorize(self, seen: Seen, _: re.Match[str]) -> Reply:
        app = self.apps.get(seen.param("client_id"))
        redirect_uri = seen.param("redirect_uri")
        if app is None:
            return Reply(401, "<p>Client authentication failed due to unknown client.</p>")
        if redirect_uri not in app.redirect_uris:
            return Reply(400, "<p>The redirect uri included is not valid.</p>")
        if seen.param("response_type") != "code":
            return redirect(_with_query(redirect_uri, error="unsupported_response_type"))
        scopes = (seen.param("scope") or "read").split()
        if not all(_mastodon_scope_ok(app.scopes, s) for s in scopes):
            return redirect(
                _with_query(redirect_uri, error="invalid_scope", state=seen.param("state"))
            )
        method = seen.param("code_challenge_method")
        if seen.param("code_challenge") and method != "S256":
            return redirect(
                _with_query(redirect_uri, error="invalid_request", state=seen.param("state"))
            )
        code = secrets.token_urlsafe(32)
        self.codes[code] = MastoCode(
            app.client_id, redirect_uri, scopes, seen.param("code_challenge"), method
        )
        return self._authorize_answer(seen, redirect_uri, seen.param("state"), code)

    def _token(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        app = self.apps.get(data.get("client_id", ""))
        if app is None or app.client_secret != data.get("client_secret"):
            raise fail(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "Client authentication failed due to unknown client, "
                    "no client authentication included, or unsupported authentication method.",
                },
            )
        invalid_grant = fail(
            400,
            {
                "error": "invalid_grant",
                "error_description": "The provided authorization grant is invalid, expired, "
                "revoked, does not match the redirection URI used in the authorization request, "
                "or was issued to another client.",
            },
        )
        if data.get("grant_type") != "authorization_code":
            raise fail(400, {"error": "unsupported_grant_type"})
        code = self.codes.get(data.get("code", ""))
        if code is None or code.used or code.client_id != app.client_id:
            raise invalid_grant
        if code.redirect_uri != data.get("redirect_uri"):
            raise invalid_grant
        if code.challenge and s256(data.get("code_verifier", "")) != code.challenge:
            raise invalid_grant
        code.used = True
        token = secrets.token_urlsafe(32)
        self.tokens[token] = MastoToken(app.client_id, code.scopes)
        return Reply(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": " ".join(code.scopes),
                "created_at": _now(),
            },
        )

    def _revoke(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        app = self.apps.get(data.get("client_id", ""))
        if app is None or app.client_secret != data.get("client_secret"):
            raise fail(
                403,
                {
                    "error": "unauthorized_client",
                    "error_description": "You are not authorized to revoke this token",
                },
            )
        token = self.tokens.get(data.get("token", ""))
        if token is not None and token.client_id == app.client_id:
            token.revoked = True
        return Reply(200, {})

    def _verify_credentials(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "read:accounts")
        return Reply(200, self._account())

    def _instance(self, seen: Seen, _: re.Match[str]) -> Reply:
        return Reply(
            200,
            {
                "domain": self.domain,
                "title": "Fake Mastodon",
                "version": "4.3.0",
                "configuration": {
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": 4,
                        "characters_reserved_per_url": self.URL_LENGTH,
                    }
                },
            },
        )

    def _post_status(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "write:statuses")
        key = seen.header("idempotency-key")
        if key and (self.account_id, key) in self.idempotency:
            return Reply(200, self.statuses[self.idempotency[(self.account_id, key)]])
        data = seen.json() if "json" in seen.header("content-type") else seen.form()
        text = str(data.get("status") or "")
        if not text.strip():
            raise fail(422, {"error": "Validation failed: Text can't be blank"})
        if self._length(text) > self.max_characters:
            raise fail(
                422,
                {
                    "error": "Validation failed: Text character limit of "
                    f"{self.max_characters} exceeded"
                },
            )
        fields = {k: data[k] for k in ("visibility", "language") if data.get(k)}
        status = self._status_new(text, fields)
        if key:
            self.idempotency[(self.account_id, key)] = status["id"]
        return Reply(200, status, hold=True)

    def _account_statuses(self, seen: Seen, match: re.Match[str]) -> Reply:
        if match["id"] != self.account_id:
            raise fail(404, {"error": "Record not found"})
        limit = min(int(seen.param("limit") or 20), 40)
        newest_first = sorted(self.statuses.values(), key=lambda s: int(s["id"]), reverse=True)
        if seen.param("exclude_reblogs") == "true":
            newest_first = [s for s in newest_first if not s.get("reblog")]
        return Reply(200, newest_first[:limit])

    def _get_status(self, seen: Seen, match: re.Match[str]) -> Reply:
        if seen.bearer:
            self._token_of(seen)
        status = self.statuses.get(match["id"])
        if status is None:
            raise fail(404, {"error": "Record not found"})
        return Reply(200, status)


def _mastodon_scope_ok(granted: list[str], wanted: str) -> bool:
    """``write`` covers ``write:statuses``; ``read`` covers ``read:accounts``."""
    return wanted in granted or wanted.split(":", 1)[0] in granted


def _mastodon_html(text: str) -> str:
    """Status HTML as Mastodon renders it: paragraphs, ``<br />``, and links whose visible text
    is split in spans (so only ``href`` holds the whole URL)."""

    def link(url: str) -> str:
        scheme, rest = url.split("://", 1)
        shown, hidden = rest[:30], rest[30:]
        return (
            f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" '
            f'translate="no"><span class="invisible">{scheme}://</span>'
            f'<span class="{"ellipsis" if hidden else ""}">{html.escape(shown)}</span>'
            f'<span class="invisible">{html.escape(hidden)}</span></a>'
        )

    def paragraph(part: str) -> str:
        out, position = [], 0
        for match in URL_IN_TEXT.finditer(part):
            out.append(html.escape(part[position : match.start()], quote=False))
            out.append(link(match.group()))
            position = match.end()
        out.append(html.escape(part[position:], quote=False))
        return "<p>" + "".join(out).replace("\n", "<br />") + "</p>"

    return "".join(paragraph(p) for p in text.split("\n\n"))


# --- LinkedIn -------------------------------------------------------------------------------------


@dataclass
class LinkedInToken:
    scopes: list[str]
    expires_at: int
    refresh_token: str = ""
    revoked: bool = False


class FakeLinkedIn(FakeNetwork):
    """LinkedIn's OAuth (``/oauth/v2/...``) and REST API (``/v2/userinfo``, ``/rest/...``) for
    one member (``sub``) and one app (``client_id``/``client_secret``).

    Knobs: ``active_versions`` (``LinkedIn-Version`` values accepted; others get 426),
    ``app_scopes`` (what the app may be granted: add ``r_member_social`` /
    ``r_member_postAnalytics`` to allow reconciliation / numbers), ``issue_refresh_tokens``
    (False by default: most apps get none; True adds ``refresh_token`` and
    ``refresh_token_expires_in``),
    ``redirect_uris`` (None: any is accepted), ``set_analytics(urn, impressions=, reactions=,
    comments=, reshares=)``, ``add_post(commentary, source)``, ``issue_token(scopes)``.
    State: ``codes``, ``tokens``, ``posts`` (by URN, in order).
    """

    name = "linkedin"
    ACCESS_TTL = 5_184_000  # 60 days
    REFRESH_TTL = 31_536_000  # 365 days

    def __init__(
        self,
        client_id: str = "li-client-id",
        client_secret: str = "li-client-secret",
        *,
        sub: str = "Ab3dEf9hIj",
        given_name: str = "一郎",
        family_name: str = "応援",
        active_versions: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.sub, self.given_name, self.family_name = sub, given_name, family_name
        self.active_versions = active_versions or {"202607", "202608", "202609", "202610"}
        self.app_scopes = {"openid", "profile", "email", "w_member_social"}
        self.issue_refresh_tokens = False
        self.redirect_uris: set[str] | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, LinkedInToken] = {}
        self.refresh_grants: dict[str, dict[str, Any]] = {}  # refresh token -> scopes, expiry
        self.posts: dict[str, dict[str, Any]] = {}
        self.analytics: dict[str, dict[str, int]] = {}
        self._next_share = 7_250_000_000_000_000_000
        self.route("GET", "/oauth/v2/authorization", self._authorize)
        self.route("POST", "/oauth/v2/accessToken", self._access_token)
        self.route("POST", "/oauth/v2/revoke", self._revoke)
        self.route("GET", "/v2/userinfo", self._userinfo)
        self.route("POST", "/rest/posts", self._create_post)
        self.route("GET", "/rest/posts", self._find_posts)
        self.route("GET", "/rest/memberCreatorPostAnalytics", self._analytics)

    @property
    def person(self) -> str:
        return f"urn:li:person:{self.sub}"

    # --- For tests -----------------------------------------------------------------------------

    def issue_token(self, scopes: str = "openid profile w_member_social") -> str:
        token = "AQ" + secrets.token_urlsafe(40)
        with self.lock:
            self.tokens[token] = LinkedInToken(scopes.split(), _now() + self.ACCESS_TTL)
        return token

    def add_post(self, commentary: str, source: str, **fields: Any) -> str:
        with self.lock:
            return self._post_new(
                {
                    "author": self.person,
                    "commentary": commentary,
                    "visibility": "PUBLIC",
                    "content": {"article": {"source": source, "title": "", "description": ""}},
                    "lifecycleState": "PUBLISHED",
                    **fields,
                }
            )

    def set_analytics(self, urn: str, **counts: int) -> None:
        names = {
            "impressions": "IMPRESSION",
            "reactions": "REACTION",
            "comments": "COMMENT",
            "reshares": "RESHARE",
        }
        with self.lock:
            entry = self.analytics.setdefault(urn, {})
            for name, value in counts.items():
                entry[names[name]] = value

    def error_body(self, status: int) -> Any:
        body: dict[str, Any] = {"status": status, "message": _phrase(status)}
        if status == 401:
            body |= {
                "serviceErrorCode": 65600,
                "code": "INVALID_ACCESS_TOKEN",
                "message": "Invalid access token",
            }
        return body

    # --- Helpers -------------------------------------------------------------------------------

    def _token_of(self, seen: Seen, scope: str) -> LinkedInToken:
        token = self.tokens.get(seen.bearer)
        if token is None or token.revoked:
            raise fail(401, self.error_body(401))
        if token.expires_at <= _now():
            raise fail(
                401,
                {
                    "status": 401,
                    "serviceErrorCode": 65601,
                    "code": "REVOKED_ACCESS_TOKEN",
                    "message": "The token used in the request has expired",
                },
            )
        if scope not in token.scopes:
            raise fail(
                403,
                {
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": f"Not enough permissions to access: {seen.method} {seen.path}",
                },
            )
        return token

    def _rest(self, seen: Seen) -> None:
        version = seen.header("linkedin-version")
        if not version:
            raise fail(
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. Please specify a version by adding the "
                    "LinkedIn-Version header.",
                },
            )
        if version not in self.active_versions:
            raise fail(
                426,
                {
                    "status": 426,
                    "code": "NONEXISTENT_VERSION",
                    "message": f"Requested version {version} is not active",
                },
            )
        if seen.header("x-restli-protocol-version") != "2.0.0":
            raise fail(
                400,
                {"status": 400, "message": "X-Restli-Protocol-Version 2.0.0 is required"},
            )

    def _post_new(self, data: dict[str, Any]) -> str:
        self._next_share += 1 + secrets.randbelow(1000)
        urn = f"urn:li:share:{self._next_share}"
        now_ms = int(time.time() * 1000)
        self.posts[urn] = {
            "id": urn,
            **data,
            "createdAt": now_ms,
            "lastModifiedAt": now_ms,
            "publishedAt": now_ms,
        }
        return urn

    # --- OAuth ---------------------------------------------------------------------------------

    def _authorize(self, seen: Seen, _: re.Match[str]) -> Reply:
        redirect_uri, state = seen.param("redirect_uri"), seen.param("state")
        if seen.param("client_id") != self.client_id:
            return Reply(400, "<p>The passed in client_id is invalid</p>")
        if self.redirect_uris is not None and redirect_uri not in self.redirect_uris:
            return Reply(400, "<p>The redirect_uri does not match the registered value</p>")
        if seen.param("response_type") != "code":
            return redirect(_with_query(redirect_uri, error="invalid_request", state=state))
        scopes = seen.param("scope").split()
        refused = [s for s in scopes if s not in self.app_scopes]
        if refused:
            return redirect(
                _with_query(
                    redirect_uri,
                    error="unauthorized_scope_error",
                    error_description=f'Scope "{refused[0]}" is not authorized for your '
                    "application",
                    state=state,
                )
            )
        code = "AQ" + secrets.token_urlsafe(32)
        self.codes[code] = {"redirect_uri": redirect_uri, "scopes": scopes, "used": False}
        return self._authorize_answer(seen, redirect_uri, state, code)

    def _token_body(self, scopes: list[str], refresh: str = "") -> dict[str, Any]:
        token = "AQ" + secrets.token_urlsafe(40)
        self.tokens[token] = LinkedInToken(scopes, _now() + self.ACCESS_TTL, refresh)
        body: dict[str, Any] = {
            "access_token": token,
            "expires_in": self.ACCESS_TTL,
            "scope": ",".join(sorted(scopes)),
            "token_type": "Bearer",
        }
        if "openid" in scopes:
            claims = {
                "iss": "https://www.linkedin.com/oauth",
                "aud": self.client_id,
                "sub": self.sub,
                "iat": _now(),
                "exp": _now() + 3600,
            }
            body["id_token"] = ".".join(
                (b64url(b'{"alg":"RS256","typ":"JWT"}'), b64url(json.dumps(claims).encode()), "sig")
            )
        if refresh:
            body["refresh_token"] = refresh
            body["refresh_token_expires_in"] = max(
                0, self.refresh_grants[refresh]["expires_at"] - _now()
            )
        return body

    def _access_token(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        if (
            data.get("client_id") != self.client_id
            or data.get("client_secret") != self.client_secret
        ):
            raise fail(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        grant_type = data.get("grant_type")
        if grant_type == "authorization_code":
            code = self.codes.get(data.get("code", ""))
            if code is None or code["used"] or code["redirect_uri"] != data.get("redirect_uri"):
                raise fail(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Unable to retrieve access token: appid/redirect uri/"
                        "code verifier does not match authorization code. Or authorization code "
                        "expired.",
                    },
                )
            code["used"] = True
            refresh = ""
            if self.issue_refresh_tokens:
                refresh = "AQ" + secrets.token_urlsafe(40)
                self.refresh_grants[refresh] = {
                    "scopes": code["scopes"],
                    "expires_at": _now() + self.REFRESH_TTL,
                    "revoked": False,
                }
            return Reply(200, self._token_body(code["scopes"], refresh))
        if grant_type == "refresh_token":
            refresh = data.get("refresh_token", "")
            entry = self.refresh_grants.get(refresh)
            if entry is None or entry["revoked"] or entry["expires_at"] <= _now():
                raise fail(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "The provided authorization grant or refresh token is "
                        "invalid, expired or revoked.",
                    },
                )
            return Reply(200, self._token_body(entry["scopes"], refresh))
        raise fail(400, {"error": "unsupported_grant_type", "error_description": "grant_type"})

    def _revoke(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        if (
            data.get("client_id") != self.client_id
            or data.get("client_secret") != self.client_secret
        ):
            raise fail(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        token = self.tokens.get(data.get("token", ""))
        if token is not None:
            token.revoked = True
            if token.refresh_token in self.refresh_grants:
                self.refresh_grants[token.refresh_token]["revoked"] = True
        return Reply(200)

    # --- API -----------------------------------------------------------------------------------

    def _userinfo(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "openid")
        return Reply(
            200,
            {
                "sub": self.sub,
                "email_verified": True,
                "name": f"{self.family_name} {self.given_name}",
                "given_name": self.given_name,
                "family_name": self.family_name,
                "locale": {"country": "JP", "language": "ja"},
            },
        )

    def _create_post(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "w_member_social")
        self._rest(seen)
        data = seen.json() or {}
        for name in ("author", "commentary", "visibility", "distribution", "lifecycleState"):
            if name not in data:
                raise fail(
                    422,
                    {
                        "status": 422,
                        "message": f"ERROR :: /{name} :: field is required but not "
                        "found and has no default value",
                    },
                )
        if data["author"] != self.person:
            raise fail(
                403,
                {
                    "status": 403,
                    "code": "ACCESS_DENIED",
                    "message": f"Member is not allowed to create a post as {data['author']}",
                },
            )
        source = ((data.get("content") or {}).get("article") or {}).get("source", "")
        for urn, post in self.posts.items():
            old_source = ((post.get("content") or {}).get("article") or {}).get("source", "")
            if post.get("commentary") == data["commentary"] and old_source == source:
                raise fail(422, {"message": f"Content is a duplicate of {urn}", "status": 422})
        urn = self._post_new(data)
        return Reply(201, None, {"x-restli-id": urn, "x-linkedin-id": urn}, hold=True)

    def _find_posts(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "r_member_social")
        self._rest(seen)
        if seen.param("q") != "author":
            raise fail(400, {"status": 400, "message": "Unknown finder"})
        if "author=urn:" in seen.target:
            raise fail(
                400,
                {
                    "status": 400,
                    "message": "Invalid query parameters passed to request "
                    "(URNs must be URL-encoded)",
                },
            )
        author = seen.param("author")
        count = int(seen.param("count") or 10)
        mine = [p for p in self.posts.values() if p["author"] == author]
        mine.sort(key=lambda p: p["lastModifiedAt"], reverse=True)
        return Reply(
            200,
            {"paging": {"start": 0, "count": count, "links": []}, "elements": mine[:count]},
        )

    def _analytics(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "r_member_postAnalytics")
        self._rest(seen)
        entity = seen.param("entity")
        match = re.fullmatch(r"\((share|ugc):(urn:li:(share|ugcPost):\d+)\)", entity)
        query_type = seen.param("queryType")
        if (
            seen.param("q") != "entity"
            or match is None
            or query_type not in {"IMPRESSION", "MEMBERS_REACHED", "RESHARE", "REACTION", "COMMENT"}
            or seen.param("aggregation") not in {"TOTAL", "DAILY"}
        ):
            raise fail(
                400, {"status": 400, "message": "Invalid query parameters passed to request"}
            )
        urn = match.group(2)
        elements = []
        if urn in self.posts or urn in self.analytics:
            elements.append(
                {
                    "count": self.analytics.get(urn, {}).get(query_type, 0),
                    "metricType": {
                        "com.linkedin.adsexternalapi.memberanalytics.v1."
                        "CreatorPostAnalyticsMetricTypeV1": query_type
                    },
                    "targetEntity": {match.group(1): urn},
                }
            )
        return Reply(200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})


# --- X ------------------------------------------------------------------------------------------


@dataclass
class XToken:
    scopes: list[str]
    expires_at: int
    family: str  # the grant the token belongs to: revoking one revokes the family
    revoked: bool = False


class FakeX(FakeNetwork):
    """X's OAuth 2.0 (``/i/oauth2/authorize``, ``/2/oauth2/token``, ``/2/oauth2/revoke``) and API
    v2 (``/2/users/me``, ``/2/tweets``, ``/2/users/:id/tweets``) for one user.

    ``client_secret`` empty makes the app a public client (``client_id`` in the form); else it is
    confidential and must send HTTP Basic. Refresh tokens rotate: the one used stops working.
    State: ``codes``, ``access_tokens``, ``refresh_tokens``, ``tweets`` (by id; ``posts`` lists
    them). Knobs: ``followers``, ``callback_urls`` (None: any), ``add_tweet(text)``,
    ``issue_token(scopes)``; ``tco(url)`` is the t.co link X shows for a URL.
    """

    name = "x"
    ACCESS_TTL = 7200

    def __init__(
        self,
        client_id: str = "x-client-id",
        client_secret: str = "x-client-secret",
        *,
        user_id: str = "1500000000000000001",
        username: str = "mirai_pr",
        display_name: str = "みらい製作所 広報",
        followers: int = 2024,
    ) -> None:
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.user_id, self.username, self.display_name = user_id, username, display_name
        self.followers = followers
        self.callback_urls: set[str] | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, XToken] = {}
        self.refresh_tokens: dict[str, XToken] = {}
        self.tweets: dict[str, dict[str, Any]] = {}
        self._next_tweet = 1_800_000_000_000_000_000
        self.route("GET", "/i/oauth2/authorize", self._authorize)
        self.route("POST", "/2/oauth2/token", self._token)
        self.route("POST", "/2/oauth2/revoke", self._revoke)
        self.route("GET", "/2/users/me", self._me)
        self.route("POST", "/2/tweets", self._create_tweet)
        self.route("GET", r"/2/users/(?P<id>\d+)/tweets", self._user_tweets)

    # --- For tests -----------------------------------------------------------------------------

    def issue_token(self, scopes: str = "tweet.read tweet.write users.read offline.access") -> str:
        with self.lock:
            return self._grant_new(scopes.split())["access_token"]

    def add_tweet(self, text: str) -> dict[str, Any]:
        with self.lock:
            return self._tweet_new(text)

    @property
    def posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.tweets.values())

    @staticmethod
    def tco(url: str) -> str:
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        number = int.from_bytes(hashlib.sha256(url.encode()).digest()[:8], "big")
        code = "".join(alphabet[(number // 62**i) % 62] for i in range(10))
        return f"https://t.co/{code}"

    def rate_limit_headers(self, seconds: int) -> dict[str, str]:
        return {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(_now() + seconds),
        }

    def error_body(self, status: int) -> Any:
        return {
            "title": _phrase(status),
            "detail": _phrase(status),
            "type": "about:blank",
            "status": status,
        }

    # --- Helpers -------------------------------------------------------------------------------

    def _grant_new(self, scopes: list[str]) -> dict[str, Any]:
        family = secrets.token_hex(8)
        access = b64url(secrets.token_bytes(40))
        self.access_tokens[access] = XToken(scopes, _now() + self.ACCESS_TTL, family)
        body: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": self.ACCESS_TTL,
            "access_token": access,
            "scope": " ".join(scopes),
        }
        if "offline.access" in scopes:
            refresh = b64url(secrets.token_bytes(40))
            self.refresh_tokens[refresh] = XToken(scopes, 0, family)
            body["refresh_token"] = refresh
        return body

    def _client_ok(self, seen: Seen, data: dict[str, str]) -> bool:
        if self.client_secret:
            return seen.basic == (self.client_id, self.client_secret)
        return data.get("client_id") == self.client_id

    def _token_of(self, seen: Seen, *scopes: str) -> XToken:
        token = self.access_tokens.get(seen.bearer)
        if token is None or token.revoked or token.expires_at <= _now():
            raise fail(
                401,
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
            )
        if not all(s in token.scopes for s in scopes):
            raise fail(
                403,
                {
                    "title": "Forbidden",
                    "type": "about:blank",
                    "status": 403,
                    "detail": "You are not permitted to perform this action.",
                },
            )
        return token

    def _tweet_new(self, text: str) -> dict[str, Any]:
        self._next_tweet += 1 + secrets.randbelow(1_000_000)
        tweet_id = str(self._next_tweet)
        shown, urls, position = [], [], 0
        length = 0
        for match in URL_IN_TEXT.finditer(text):
            before = text[position : match.start()]
            shown.append(before)
            length += len(before)
            short = self.tco(match.group())
            urls.append(
                {
                    "start": length,
                    "end": length + len(short),
                    "url": short,
                    "expanded_url": match.group(),
                    "display_url": match.group().split("://", 1)[1][:25],
                }
            )
            shown.append(short)
            length += len(short)
            position = match.end()
        shown.append(text[position:])
        self.tweets[tweet_id] = {
            "id": tweet_id,
            "text": "".join(shown),
            "text_sent": text,  # not X's: what the fake was sent, for tests
            "entities": {"urls": urls},
            "edit_history_tweet_ids": [tweet_id],
        }
        return self.tweets[tweet_id]

    # --- OAuth ---------------------------------------------------------------------------------

    def _authorize(self, seen: Seen, _: re.Match[str]) -> Reply:
        redirect_uri, state = seen.param("redirect_uri"), seen.param("state")
        if seen.param("client_id") != self.client_id:
            return Reply(400, "<p>Something went wrong: invalid client</p>")
        if self.callback_urls is not None and redirect_uri not in self.callback_urls:
            return Reply(400, "<p>Something went wrong: callback URL not approved</p>")
        challenge, method = seen.param("code_challenge"), seen.param("code_challenge_method")
        if (
            seen.param("response_type") != "code"
            or not challenge
            or method not in ("S256", "plain")
        ):
            return redirect(_with_query(redirect_uri, error="invalid_request", state=state))
        code = b64url(secrets.token_bytes(32))
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "scopes": seen.param("scope").split(),
            "challenge": challenge,
            "method": method,
            "used": False,
        }
        return self._authorize_answer(seen, redirect_uri, state, code)

    def _token(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        if not self._client_ok(seen, data):
            raise fail(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        grant_type = data.get("grant_type")
        if grant_type == "authorization_code":
            code = self.codes.get(data.get("code", ""))
            invalid = fail(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the authorization code was invalid.",
                },
            )
            if code is None or code["used"] or code["redirect_uri"] != data.get("redirect_uri"):
                raise invalid
            verifier = data.get("code_verifier", "")
            expected = s256(verifier) if code["method"] == "S256" else verifier
            if expected != code["challenge"]:
                raise invalid
            code["used"] = True
            return Reply(200, self._grant_new(code["scopes"]))
        if grant_type == "refresh_token":
            old = self.refresh_tokens.get(data.get("refresh_token", ""))
            if old is None or old.revoked:
                raise fail(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                )
            old.revoked = True  # rotated: the refresh token is single-use
            return Reply(200, self._grant_new(old.scopes))
        raise fail(
            400,
            {
                "error": "invalid_request",
                "error_description": "Missing required parameter [grant_type].",
            },
        )

    def _revoke(self, seen: Seen, _: re.Match[str]) -> Reply:
        data = seen.form()
        if not self._client_ok(seen, data):
            raise fail(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        token = data.get("token", "")
        found = self.refresh_tokens.get(token) or self.access_tokens.get(token)
        if found is not None:
            for store in (self.access_tokens, self.refresh_tokens):
                for other in store.values():
                    if other.family == found.family:
                        other.revoked = True
        return Reply(200, {"revoked": True})

    # --- API -----------------------------------------------------------------------------------

    def _me(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "users.read")
        data: dict[str, Any] = {
            "id": self.user_id,
            "name": self.display_name,
            "username": self.username,
        }
        if "public_metrics" in seen.param("user.fields").split(","):
            data["public_metrics"] = {
                "followers_count": self.followers,
                "following_count": 12,
                "tweet_count": len(self.tweets),
                "listed_count": 0,
                "like_count": 0,
            }
        return Reply(200, {"data": data})

    def _create_tweet(self, seen: Seen, _: re.Match[str]) -> Reply:
        self._token_of(seen, "tweet.write")
        data = seen.json() or {}
        text = data.get("text")
        if not isinstance(text, str) or not text:
            raise fail(
                400,
                {
                    "errors": [{"message": "$.text: must be a non-empty string"}],
                    "title": "Invalid Request",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                    "detail": "One or more parameters to your request was invalid.",
                },
            )
        if any(t["text_sent"] == text for t in self.tweets.values()):
            raise fail(
                403,
                {
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                },
            )
        tweet = self._tweet_new(text)
        return Reply(
            201,
            {
                "data": {
                    "id": tweet["id"],
                    "text": tweet["text"],
                    "edit_history_tweet_ids": tweet["edit_history_tweet_ids"],
                }
            },
            hold=True,
        )

    def _user_tweets(self, seen: Seen, match: re.Match[str]) -> Reply:
        self._token_of(seen, "tweet.read", "users.read")
        raw = seen.param("max_results") or "10"
        if not raw.isdigit() or not 5 <= int(raw) <= 100:
            raise fail(
                400,
                {
                    "errors": [
                        {
                            "parameters": {"max_results": [raw]},
                            "message": f"The `max_results` query parameter value [{raw}] is not "
                            "between 5 and 100",
                        }
                    ],
                    "title": "Invalid Request",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                    "detail": "One or more parameters to your request was invalid.",
                },
            )
        if match["id"] != self.user_id:
            return Reply(200, {"meta": {"result_count": 0}})
        fields = seen.param("tweet.fields").split(",")
        newest = sorted(self.tweets.values(), key=lambda t: int(t["id"]), reverse=True)[: int(raw)]
        data = []
        for tweet in newest:
            item: dict[str, Any] = {
                "id": tweet["id"],
                "text": tweet["text"],
                "edit_history_tweet_ids": tweet["edit_history_tweet_ids"],
            }
            if "entities" in fields and tweet["entities"]["urls"]:
                item["entities"] = tweet["entities"]
            data.append(item)
        if not data:
            return Reply(200, {"meta": {"result_count": 0}})
        return Reply(
            200,
            {
                "data": data,
                "meta": {
                    "result_count": len(data),
                    "newest_id": data[0]["id"],
                    "oldest_id": data[-1]["id"],
                },
            },
        )
