"""Mastodon through its REST API on the person's own server (https://docs.joinmastodon.org/):

- ``POST /api/v1/apps`` registers Ouendan on a server the first time someone from the
  organization connects there (``app_register``);
- OAuth 2.0 authorization code with PKCE (``/oauth/authorize``, ``/oauth/token``), scopes
  ``read:accounts read:statuses write:statuses``; tokens do not expire, ``/oauth/revoke``;
- ``GET /api/v1/accounts/verify_credentials`` (who, followers) and ``GET /api/v2/instance``
  (``configuration.statuses.max_characters``: the server's own limit, 500 by default);
- ``POST /api/v1/statuses`` with ``Idempotency-Key`` (the server returns the first status for a
  repeated key for an hour), ``GET /api/v1/accounts/:id/statuses`` to reconcile later than
  that, ``GET /api/v1/statuses/:id`` for favourites, boosts and replies.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from ouendan.integrations.base import (
    AppCredentials,
    Connector,
    ConnectorConfig,
    ConnectorError,
    Grant,
    OutgoingPost,
    PostMetrics,
    PostRejected,
    Profile,
    Published,
    mentions_link,
)
from ouendan.integrations.http import ApiClient
from ouendan.integrations.oauth import code_challenge
from ouendan.networks import Network

SCOPES = "read:accounts read:statuses write:statuses"
CLIENT_NAME = "Ouendan"
RECONCILE_PAGE = 40  # the statuses an account posted most recently that reconciliation reads


def _describe(status: int, body: object) -> str:
    if isinstance(body, dict):
        return str(body.get("error_description") or body.get("error") or f"HTTP {status}")
    return f"HTTP {status}"


def app_register(config: ConnectorConfig, *, redirect_uri: str, website: str) -> AppCredentials:
    """Register Ouendan as an application on a Mastodon server."""
    response = ApiClient(config.api_url, guarded=config.guarded, describe=_describe).request(
        "POST",
        "/api/v1/apps",
        form={
            "client_name": CLIENT_NAME,
            "redirect_uris": redirect_uri,
            "scopes": SCOPES,
            "website": website,
        },
    )
    body = response.body
    if not isinstance(body, dict) or "client_id" not in body:
        raise ConnectorError("not a Mastodon server", permanent=True, code="not_mastodon")
    return AppCredentials(client_id=body["client_id"], client_secret=body.get("client_secret", ""))


class MastodonConnector(Connector):
    network = Network.MASTODON
    idempotent = True  # within the hour the server keeps a key; reconciliation covers the rest
    has_metrics = True

    def describe_error(self, status: int, body: object) -> str:
        return _describe(status, body)

    def _app(self) -> AppCredentials:
        return self.required_app()

    def authorize(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._app().client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPES,
                "state": state,
                "code_challenge": code_challenge(code_verifier),
                "code_challenge_method": "S256",
            }
        )
        return f"{self.http.url('/oauth/authorize')}?{query}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> Grant:
        app = self._app()
        body = self.http.request(
            "POST",
            "/oauth/token",
            form={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
                "scope": SCOPES,
            },
        ).body
        return Grant(
            access_token=body["access_token"], scopes=frozenset(body.get("scope", SCOPES).split())
        )

    def profile(self, grant: Grant) -> Profile:
        me = self.http.request(
            "GET", "/api/v1/accounts/verify_credentials", bearer=grant.access_token
        ).body
        limit: int | None = None
        try:
            instance = self.http.request("GET", "/api/v2/instance").body
            limit = int(instance["configuration"]["statuses"]["max_characters"])
            host = instance.get("domain") or ""
        except (ConnectorError, KeyError, TypeError, ValueError):
            host = ""
        host = host or self.http.base_url.split("://", 1)[-1]
        return Profile(
            remote_id=str(me["id"]),
            handle=f"@{me['username']}@{host}",
            display_name=me.get("display_name") or me["username"],
            profile_url=me.get("url", ""),
            followers=me.get("followers_count"),
            text_limit=limit,
        )

    def refresh(self, grant: Grant) -> Grant:
        return grant  # Mastodon tokens do not expire; a revoked one is AuthExpired on use

    def revoke(self, grant: Grant) -> None:
        app = self._app()
        self.http.request(
            "POST",
            "/oauth/revoke",
            form={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "token": grant.access_token,
            },
        )

    def publish(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published:
        response = self.http.request(
            "POST",
            "/api/v1/statuses",
            bearer=grant.access_token,
            headers={"Idempotency-Key": post.key},
            json={"status": post.text, "visibility": "public", "language": post.language},
            expect=(422,),
        )
        if response.status == 422:
            raise PostRejected(self.describe_error(422, response.body), status=422)
        return _published(response.body)

    def find(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published | None:
        statuses = self.http.request(
            "GET",
            f"/api/v1/accounts/{account.remote_id}/statuses",
            bearer=grant.access_token,
            params={"limit": str(RECONCILE_PAGE), "exclude_reblogs": "true"},
        ).body
        for status in statuses or []:
            if _mentions(status, post.card.url):
                return _published(status)
        return None

    def metrics(self, grant: Grant, account: Profile, remote_id: str) -> PostMetrics | None:
        response = self.http.request(
            "GET", f"/api/v1/statuses/{remote_id}", bearer=grant.access_token, expect=(404,)
        )
        if response.status == 404:
            return None
        body = response.body
        return PostMetrics(
            likes=int(body.get("favourites_count", 0)),
            reposts=int(body.get("reblogs_count", 0)),
            replies=int(body.get("replies_count", 0)),
        )


def _published(status: dict[str, Any]) -> Published:
    return Published(remote_id=str(status["id"]), url=status.get("url") or status.get("uri", ""))


def _mentions(status: dict[str, Any], url: str) -> bool:
    """Whether a status carries our tracked link (its content is HTML; the card names it too)."""
    card = status.get("card") or {}
    return mentions_link(html.unescape(status.get("content", "")), url) or card.get("url") == url
