"""X through its API v2 (https://docs.x.com/x-api):

- OAuth 2.0 authorization code with PKCE (``https://x.com/i/oauth2/authorize``,
  ``POST /2/oauth2/token``), scopes ``tweet.read tweet.write users.read offline.access``;
  access tokens last two hours, the refresh token (``offline.access``) is replaced at every
  refresh; ``POST /2/oauth2/revoke``;
- ``GET /2/users/me`` (who, followers), ``POST /2/tweets`` to post;
- X refuses a second post with the same text, and every post of ours carries its own tracked
  link: a "duplicate content" answer means the post is there already, and reconciliation
  finds it among the account's recent posts (``GET /2/users/:id/tweets``, by the link's
  expanded URL — X shows t.co links in the text).

X bills API use per post (and per read): organizations can switch X direct posting off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from ouendan.integrations.base import (
    AuthExpired,
    Connector,
    ConnectorError,
    Grant,
    OutgoingPost,
    PostRejected,
    Profile,
    Published,
    mentions_link,
)
from ouendan.integrations.oauth import code_challenge
from ouendan.networks import Network

SCOPES = "tweet.read tweet.write users.read offline.access"
RECONCILE_PAGE = 20


def _grant(body: dict[str, Any]) -> Grant:
    expires_in = body.get("expires_in")
    return Grant(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token", ""),
        expires_at=datetime.now(UTC) + timedelta(seconds=float(expires_in))
        if isinstance(expires_in, int | float)
        else None,
        scopes=frozenset(str(body.get("scope", SCOPES)).split()),
    )


class XConnector(Connector):
    network = Network.X

    def describe_error(self, status: int, body: object) -> str:
        if isinstance(body, dict):
            errors = body.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                first = errors[0]
                return str(first.get("message") or first.get("detail") or f"HTTP {status}")
            return str(
                body.get("detail") or body.get("error_description") or body.get("title")
                or body.get("error") or f"HTTP {status}"
            )  # fmt: skip
        return f"HTTP {status}"

    def _basic(self) -> tuple[str, str] | None:
        app = self.required_app()
        return (app.client_id, app.client_secret) if app.client_secret else None

    def _token_form(self, **fields: str) -> dict[str, str]:
        return {**fields, "client_id": self.required_app().client_id}

    # --- Connecting ------------------------------------------------------------------------

    def authorize(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.required_app().client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPES,
                "state": state,
                "code_challenge": code_challenge(code_verifier),
                "code_challenge_method": "S256",
            },
            quote_via=quote,
        )
        return f"{self.config.auth_url}?{query}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> Grant:
        body = self.http.request(
            "POST",
            "/2/oauth2/token",
            form=self._token_form(
                grant_type="authorization_code",
                code=code,
                redirect_uri=redirect_uri,
                code_verifier=code_verifier,
            ),
            basic=self._basic(),
        ).body
        return _grant(body)

    def profile(self, grant: Grant) -> Profile:
        data = self.http.request(
            "GET",
            "/2/users/me",
            bearer=grant.access_token,
            params={"user.fields": "public_metrics"},
        ).body["data"]
        return Profile(
            remote_id=str(data["id"]),
            handle=f"@{data['username']}",
            display_name=data.get("name", ""),
            profile_url=f"https://x.com/{data['username']}",
            followers=(data.get("public_metrics") or {}).get("followers_count"),
        )

    def refresh(self, grant: Grant) -> Grant:
        if not grant.refresh_token:
            raise AuthExpired("X gave no refresh token (offline.access)", status=None)
        try:
            body = self.http.request(
                "POST",
                "/2/oauth2/token",
                form=self._token_form(
                    grant_type="refresh_token", refresh_token=grant.refresh_token
                ),
                basic=self._basic(),
            ).body
        except ConnectorError as exc:
            if exc.permanent:
                raise AuthExpired(exc.message, status=exc.status) from exc
            raise
        return _grant(body)

    def revoke(self, grant: Grant) -> None:
        self.http.request(
            "POST",
            "/2/oauth2/revoke",
            form=self._token_form(token=grant.refresh_token or grant.access_token,
                                  token_type_hint="refresh_token" if grant.refresh_token
                                  else "access_token"),
            basic=self._basic(),
        )  # fmt: skip

    # --- Posting ---------------------------------------------------------------------------

    def publish(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published:
        response = self.http.request(
            "POST",
            "/2/tweets",
            bearer=grant.access_token,
            json={"text": post.text},
            expect=(400, 403),
        )
        if response.status in (400, 403):
            message = self.describe_error(response.status, response.body)
            if "duplicate" in message.lower():
                existing = self.find(grant, account, post)
                if existing is not None:
                    return existing
            raise PostRejected(message, status=response.status)
        return _published(account, str(response.body["data"]["id"]))

    def find(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published | None:
        body = self.http.request(
            "GET",
            f"/2/users/{account.remote_id}/tweets",
            bearer=grant.access_token,
            params={"max_results": str(RECONCILE_PAGE), "tweet.fields": "entities"},
        ).body
        for tweet in (body or {}).get("data", []) or []:
            urls = ((tweet.get("entities") or {}).get("urls")) or []
            if any(
                post.card.url in (u.get("expanded_url", ""), u.get("unwound_url", "")) for u in urls
            ) or mentions_link(tweet.get("text", ""), post.card.url):
                return _published(account, str(tweet["id"]))
        return None


def _published(account: Profile, tweet_id: str) -> Published:
    return Published(
        remote_id=tweet_id, url=f"https://x.com/{account.handle.lstrip('@')}/status/{tweet_id}"
    )
