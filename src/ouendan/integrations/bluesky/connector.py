"""Bluesky through the AT Protocol's XRPC endpoints on the person's PDS (``bsky.social`` by
default): ``com.atproto.server.createSession`` with an app password, ``refreshSession``,
``com.atproto.repo.createRecord`` for the post (with link and tag facets and an external link
card), ``getRecord`` to reconcile, ``app.bsky.feed.getPosts`` for likes, reposts and replies.

Exactly once: every post is written under a record key (``rkey``) derived from our key, so a
second ``createRecord`` of the same post cannot make a second post, and ``getRecord`` tells
whether a cut-off attempt went through.

Never the main password: an app password has the form ``xxxx-xxxx-xxxx-xxxx``; anything else
is refused before it is sent, and a session whose token is not an app password's is closed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from ouendan.integrations.base import (
    AuthExpired,
    Card,
    Connector,
    ConnectorError,
    Grant,
    OutgoingPost,
    PostMetrics,
    PostRejected,
    Profile,
    Published,
)
from ouendan.integrations.bluesky.richtext import facets
from ouendan.integrations.http import ApiResponse
from ouendan.networks import Network

DEFAULT_SERVICE = "https://bsky.social"
POST = "app.bsky.feed.post"
APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")
# An app password's session (``com.atproto.appPass``, or ``…appPassPrivileged`` for one that
# may also read direct messages); the main password's is ``com.atproto.access``.
APP_PASSWORD_SCOPE = "com.atproto.appPass"  # noqa: S105 - a JWT scope, not a secret
THUMB_MAX_BYTES = 1_000_000  # the lexicon's limit for an external embed's thumbnail
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_EXPIRED = {"ExpiredToken", "InvalidToken", "AuthenticationRequired"}


def record_key(key: str, created_at: datetime) -> str:
    """A TID (the record-key syntax posts use): 53 bits of microseconds since the epoch, then a
    10-bit clock id taken from our key — the same for every attempt of the same post."""
    micros = int(created_at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:2], "big") & 0x3FF
    value = (micros << 10) | clock
    return "".join(_TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT we were just handed by the PDS (not verified: we only read its
    expiry and scope, the PDS checks it on every call)."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _expiry(token: str) -> datetime | None:
    exp = jwt_claims(token).get("exp")
    return datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None


def _grant(body: dict[str, Any]) -> Grant:
    access, refresh = body["accessJwt"], body["refreshJwt"]
    return Grant(
        access_token=access,
        refresh_token=refresh,
        expires_at=_expiry(access),
        refresh_expires_at=_expiry(refresh),
        scopes=frozenset({str(jwt_claims(access).get("scope", ""))}),
    )


class BlueskyConnector(Connector):
    network = Network.BLUESKY
    oauth = False
    idempotent = True
    has_metrics = True

    def describe_error(self, status: int, body: object) -> str:
        if isinstance(body, dict):
            return str(body.get("message") or body.get("error") or f"HTTP {status}")
        return f"HTTP {status}"

    def _xrpc(self, method: str, name: str, *, token: str = "", **kwargs: Any) -> ApiResponse:
        response = self.http.request(method, f"/xrpc/{name}", bearer=token, expect=(400,), **kwargs)
        if response.status == 400:
            error = response.body.get("error", "") if isinstance(response.body, dict) else ""
            message = self.describe_error(400, response.body)
            if error in _EXPIRED:
                raise AuthExpired(message, status=400)
            raise ConnectorError(message, permanent=True, code=error or "refused", status=400)
        return response

    # --- Connecting ------------------------------------------------------------------------

    def login(self, *, identifier: str, password: str) -> tuple[Grant, Profile]:
        if not APP_PASSWORD.match(password.strip()):
            raise ConnectorError(
                "not an app password", permanent=True, code="app_password_required"
            )
        try:
            response = self._xrpc(
                "POST",
                "com.atproto.server.createSession",
                json={"identifier": identifier.strip().lstrip("@"), "password": password.strip()},
            )
        except AuthExpired as exc:
            raise ConnectorError(exc.message, permanent=True, code="login_failed") from exc
        grant = _grant(response.body)
        if not any(scope.startswith(APP_PASSWORD_SCOPE) for scope in grant.scopes):
            self.revoke(grant)
            raise ConnectorError(
                "the session is not an app password's", permanent=True,
                code="app_password_required",
            )  # fmt: skip
        return grant, self.profile(grant, did=response.body["did"])

    def profile(self, grant: Grant, did: str = "") -> Profile:
        did = did or str(jwt_claims(grant.access_token).get("sub", ""))
        body = self._xrpc(
            "GET", "app.bsky.actor.getProfile", token=grant.access_token, params={"actor": did}
        ).body
        handle = body.get("handle", "")
        return Profile(
            remote_id=body.get("did", did),
            handle=f"@{handle}",
            display_name=body.get("displayName", "") or handle,
            profile_url=f"https://bsky.app/profile/{handle}",
            followers=body.get("followersCount"),
        )

    def refresh(self, grant: Grant) -> Grant:
        response = self._xrpc(
            "POST", "com.atproto.server.refreshSession", token=grant.refresh_token
        )
        return _grant(response.body)

    def revoke(self, grant: Grant) -> None:
        self._xrpc("POST", "com.atproto.server.deleteSession", token=grant.refresh_token)

    # --- Posting ---------------------------------------------------------------------------

    def _rkey(self, post: OutgoingPost) -> str:
        return record_key(post.key, post.created_at)

    def _thumb(self, grant: Grant, card: Card) -> dict[str, Any] | None:
        if not card.image or len(card.image) > THUMB_MAX_BYTES:
            return None
        response = self._xrpc(
            "POST",
            "com.atproto.repo.uploadBlob",
            token=grant.access_token,
            content=card.image,
            headers={"Content-Type": card.image_type or "image/jpeg"},
        )
        blob = response.body.get("blob") if isinstance(response.body, dict) else None
        return blob if isinstance(blob, dict) else None

    def _post_url(self, account: Profile, uri: str) -> str:
        return (
            f"https://bsky.app/profile/{account.handle.lstrip('@')}/post/{uri.rsplit('/', 1)[-1]}"
        )

    def publish(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published:
        external: dict[str, Any] = {
            "uri": post.card.url,
            "title": post.card.title[:300],
            "description": post.card.description[:1000],
        }
        thumb = self._thumb(grant, post.card)
        if thumb is not None:
            external["thumb"] = thumb
        record: dict[str, Any] = {
            "$type": POST,
            "text": post.text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "langs": [post.language],
            "embed": {"$type": "app.bsky.embed.external", "external": external},
        }
        found = facets(post.text)
        if found:
            record["facets"] = found
        try:
            body = self._xrpc(
                "POST",
                "com.atproto.repo.createRecord",
                token=grant.access_token,
                json={
                    "repo": account.remote_id,
                    "collection": POST,
                    "rkey": self._rkey(post),
                    "record": record,
                },
            ).body
        except ConnectorError as exc:
            # A PDS answers a taken record key with a 500 (older) or a 400 (newer): either way
            # an earlier attempt may have got through, and getRecord tells.
            if exc.status in (400, 500) and not isinstance(exc, AuthExpired):
                existing = self.find(grant, account, post)
                if existing is not None:
                    return existing
                if exc.status == 400:
                    raise PostRejected(exc.message, status=400) from exc
            raise
        return Published(remote_id=body["uri"], url=self._post_url(account, body["uri"]))

    def find(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published | None:
        try:
            body = self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                token=grant.access_token,
                params={"repo": account.remote_id, "collection": POST, "rkey": self._rkey(post)},
            ).body
        except ConnectorError as exc:
            if exc.code == "RecordNotFound":
                return None
            raise
        return Published(remote_id=body["uri"], url=self._post_url(account, body["uri"]))

    def metrics(self, grant: Grant, account: Profile, remote_id: str) -> PostMetrics | None:
        body = self._xrpc(
            "GET",
            "app.bsky.feed.getPosts",
            token=grant.access_token,
            params={"uris": remote_id},
        ).body
        posts = body.get("posts") or []
        if not posts:
            return None  # deleted by its author
        post = posts[0]
        return PostMetrics(
            likes=int(post.get("likeCount", 0)),
            reposts=int(post.get("repostCount", 0)) + int(post.get("quoteCount", 0)),
            replies=int(post.get("replyCount", 0)),
        )
