"""The shape every network connector has: what it is given, what it returns, how it fails.

A connector is one class per network (``integrations/<network>/``) on ``Connector``. It speaks
the network's documented HTTP API through ``integrations.http.ApiClient`` and knows nothing of
our database: services hand it a ``Grant`` (the account's tokens, decrypted) and get back plain
values. Failures are ``ConnectorError`` with ``permanent`` saying whether trying again can help:

- retryable: timeouts, connection errors, 5xx, ``429`` (``RateLimited``, with the network's
  ``Retry-After`` or reset time);
- permanent: the network refused the content, the account or the request (``PostRejected``);
- ``AuthExpired``: the token no longer works; the service refreshes it once, and asks the person
  to reconnect if that fails too.

Adding a network: ``docs/CONNECTORS.md``.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import ClassVar

from ouendan.integrations.errors import (
    AuthExpired,
    CannotTell,
    ConnectorError,
    PostRejected,
    RateLimited,
)
from ouendan.integrations.http import ApiClient
from ouendan.networks import Network

__all__ = [
    "AppCredentials",
    "AuthExpired",
    "CannotTell",
    "Card",
    "Connector",
    "ConnectorConfig",
    "ConnectorError",
    "Grant",
    "OutgoingPost",
    "PostMetrics",
    "PostRejected",
    "Profile",
    "Published",
    "RateLimited",
    "mentions_link",
]


def mentions_link(text: str, url: str) -> bool:
    """Whether ``text`` carries exactly this link (``…/r/abc`` is not ``…/r/abcd``): how
    reconciliation recognises a post by its tracked link."""
    return bool(url) and re.search(re.escape(url) + r"(?![A-Za-z0-9])", text) is not None


@dataclass(frozen=True)
class Grant:
    """What a network gave us for an account. Tokens are plain here and encrypted at rest."""

    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None  # of the access token
    refresh_expires_at: datetime | None = None
    scopes: frozenset[str] = frozenset()

    def refreshed(self, **changes: object) -> Grant:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Profile:
    """Who the account is at the network."""

    remote_id: str  # Bluesky DID, Mastodon account id, LinkedIn person URN, X user id
    handle: str  # as people write it: @name.bsky.social, @me@instance, @name
    display_name: str = ""
    profile_url: str = ""
    followers: int | None = None  # None: the network does not tell (LinkedIn members)
    text_limit: int | None = None  # the server's own limit, where it has one (Mastodon)


@dataclass(frozen=True)
class Card:
    """The link card a post carries where the network draws one from our data."""

    url: str  # the tracked link
    title: str
    description: str = ""
    image: bytes | None = None  # JPEG/PNG bytes, for networks that upload the thumbnail
    image_type: str = ""


@dataclass(frozen=True)
class OutgoingPost:
    """One post to publish. ``key`` is ours and the same on every attempt: networks that take an
    idempotency key get it, the others let reconciliation find the post by its tracked link."""

    key: str
    text: str  # as it will appear, the tracked link included where the network shows it
    card: Card
    created_at: datetime  # of the first attempt: what keys derived from time are made of
    language: str = "ja"


@dataclass(frozen=True)
class Published:
    remote_id: str  # the network's id of the post (at:// URI, status id, share URN, tweet id)
    url: str = ""  # where a person can see it


@dataclass(frozen=True)
class PostMetrics:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    impressions: int | None = None  # where the network reports them


@dataclass(frozen=True)
class AppCredentials:
    """An OAuth client: registered by the organization's admin (LinkedIn, X) or by us on a
    Mastodon server."""

    client_id: str
    client_secret: str = ""


@dataclass(frozen=True)
class Authorization:
    """Where to send the person to grant access, and what to keep until they come back."""

    url: str
    state: str
    code_verifier: str = ""


@dataclass(frozen=True)
class ConnectorConfig:
    """Where a connector talks to and with which API version (from settings, never hard-coded
    in a request: LinkedIn's monthly versions are retired after a year)."""

    api_url: str  # https://api.x.com, https://api.linkedin.com, the PDS, the Mastodon server
    auth_url: str = ""  # where people authorize (OAuth networks)
    api_version: str = ""
    guarded: bool = False  # a host someone typed: every address is vetted (SSRF)
    extra: dict[str, str] = field(default_factory=dict)


class Connector(abc.ABC):
    """One network. Subclasses set ``network`` and implement what their API allows."""

    network: ClassVar[Network]
    # How an account is connected: OAuth in the browser, or an app password typed in (Bluesky).
    oauth: ClassVar[bool] = True
    # Whether the network itself drops a second copy of a post sent with the same key (so a
    # retry after a crash cannot double-post); otherwise ``find`` must be asked first.
    idempotent: ClassVar[bool] = False
    # Whether ``metrics`` can read a personal account's numbers.
    has_metrics: ClassVar[bool] = False

    def __init__(self, config: ConnectorConfig, app: AppCredentials | None = None) -> None:
        self.config = config
        self.app = app
        self.http = ApiClient(config.api_url, guarded=config.guarded, describe=self.describe_error)

    def required_app(self) -> AppCredentials:
        """The OAuth client, or a permanent error when it is no longer configured (the
        organization removed its app: tokens can be neither refreshed nor revoked)."""
        if self.app is None:
            raise ConnectorError(
                f"no app is configured for {self.network}", permanent=True, code="app_missing"
            )
        return self.app

    # --- Connecting ------------------------------------------------------------------------

    def authorize(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        """The URL that asks the person to grant access (OAuth networks)."""
        raise NotImplementedError

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> Grant:
        """Trade the authorization code for tokens (OAuth networks)."""
        raise NotImplementedError

    def login(self, *, identifier: str, password: str) -> tuple[Grant, Profile]:
        """Sign in with an app password (Bluesky)."""
        raise NotImplementedError

    @abc.abstractmethod
    def profile(self, grant: Grant) -> Profile: ...

    @abc.abstractmethod
    def refresh(self, grant: Grant) -> Grant:
        """New tokens before the old ones lapse; ``AuthExpired`` when the network says no."""

    @abc.abstractmethod
    def revoke(self, grant: Grant) -> None:
        """Give the tokens back (disconnecting)."""

    # --- Posting ---------------------------------------------------------------------------

    @abc.abstractmethod
    def publish(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published: ...

    @abc.abstractmethod
    def find(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published | None:
        """Reconciliation: the post if it is already at the network (a publish that was cut
        off), ``None`` if it is certainly not; ``CannotTell`` if the API cannot say."""

    def metrics(self, grant: Grant, account: Profile, remote_id: str) -> PostMetrics | None:
        return None

    # --- Errors ----------------------------------------------------------------------------

    def describe_error(self, status: int, body: object) -> str:
        """The network's own words for a failed response (its error format)."""
        if isinstance(body, dict):
            for key in ("message", "error_description", "detail", "error", "title"):
                value = body.get(key)
                if isinstance(value, str) and value:
                    return value
        return f"HTTP {status}"
