"""LinkedIn through its documented REST API (https://learn.microsoft.com/linkedin/):

- OAuth 2.0 authorization code (``/oauth/v2/authorization``, ``/oauth/v2/accessToken``) with
  ``openid profile w_member_social``; access tokens last 60 days, and refresh tokens exist
  only for apps LinkedIn has approved for them — otherwise the person reconnects, and is told
  a week before;
- ``GET /v2/userinfo`` (OpenID) gives the member id, ``urn:li:person:<sub>``;
- ``POST /rest/posts`` publishes an article share with commentary, with the ``LinkedIn-Version``
  header from settings (``OUENDAN_LINKEDIN_API_VERSION``: versions are retired after a year,
  which has broken tools that hard-coded one) and ``X-Restli-Protocol-Version: 2.0.0``;
- commentary is "little text": reserved characters are escaped, hashtags become hashtag
  templates, or LinkedIn cuts the post at the first unescaped one;
- reconciliation reads the member's posts (``GET /rest/posts?q=author``), which LinkedIn only
  allows apps granted ``r_member_social``; without it, a cut-off attempt cannot be checked
  and is never re-sent blindly;
- numbers come from ``/rest/memberCreatorPostAnalytics`` when ``r_member_postAnalytics`` was
  granted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import regex

from ouendan.integrations.base import (
    AuthExpired,
    CannotTell,
    Connector,
    ConnectorError,
    Grant,
    OutgoingPost,
    PostMetrics,
    PostRejected,
    Profile,
    Published,
    mentions_link,
)
from ouendan.networks import Network

SCOPES = "openid profile w_member_social"
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_URL = re.compile(r"https?://\S+")
_TAG = regex.compile(r"(?:^|(?<=\s))[#＃]([\p{L}\p{N}_]+)")  # letters of any script, as Bluesky
_DUPLICATE = re.compile(r"(urn:li:(?:share|ugcPost):\d+)")
METRIC_TYPES = ("IMPRESSION", "REACTION", "COMMENT", "RESHARE")


def little_text(text: str) -> str:
    """Commentary in LinkedIn's "little" format: URLs as they are, hashtags as hashtag
    templates, every other reserved character escaped with a backslash."""
    out: list[str] = []
    position = 0
    spans = sorted(
        [(m.start(), m.end(), "url", m.group()) for m in _URL.finditer(text)]
        + [(m.start(), m.end(), "tag", m.group(1)) for m in _TAG.finditer(text)]
    )
    for start, end, kind, value in spans:
        if start < position:
            continue  # a # inside a URL
        out.append(_RESERVED.sub(r"\\\1", text[position:start]))
        if kind == "url":
            out.append(value)
        else:
            out.append("{hashtag|\\#|" + _RESERVED.sub(r"\\\1", value) + "}")
        position = end
    out.append(_RESERVED.sub(r"\\\1", text[position:]))
    return "".join(out)


def _expires(seconds: object) -> datetime | None:
    if isinstance(seconds, int | float) and seconds > 0:
        return datetime.now(UTC) + timedelta(seconds=float(seconds))
    return None


def _grant(body: dict[str, Any], previous: Grant | None = None) -> Grant:
    return Grant(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token") or (previous.refresh_token if previous else ""),
        expires_at=_expires(body.get("expires_in")),
        refresh_expires_at=_expires(body.get("refresh_token_expires_in"))
        or (previous.refresh_expires_at if previous else None),
        scopes=frozenset(str(body.get("scope", SCOPES)).replace(",", " ").split()),
    )


class LinkedInConnector(Connector):
    network = Network.LINKEDIN
    has_metrics = True  # when r_member_postAnalytics was granted (else metrics() says None)

    def describe_error(self, status: int, body: object) -> str:
        if isinstance(body, dict):
            return str(
                body.get("message") or body.get("error_description") or body.get("error")
                or f"HTTP {status}"
            )  # fmt: skip
        return f"HTTP {status}"

    def _rest_headers(self) -> dict[str, str]:
        return {
            "LinkedIn-Version": self.config.api_version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _oauth(self, path: str) -> str:
        return f"{self.config.auth_url.rstrip('/')}{path}"

    def _app_form(self) -> dict[str, str]:
        app = self.required_app()
        return {"client_id": app.client_id, "client_secret": app.client_secret}

    # --- Connecting ------------------------------------------------------------------------

    def authorize(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        app = self.required_app()
        scopes = self.config.extra.get("scopes", SCOPES)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": app.client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": scopes,
            },
            quote_via=quote,
        )
        return f"{self._oauth('/authorization')}?{query}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> Grant:
        body = self.http.request(
            "POST",
            self._oauth("/accessToken"),
            form={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                **self._app_form(),
            },
        ).body
        return _grant(body)

    def profile(self, grant: Grant) -> Profile:
        body = self.http.request("GET", "/v2/userinfo", bearer=grant.access_token).body
        name = body.get("name") or " ".join(
            part for part in (body.get("given_name"), body.get("family_name")) if part
        )
        return Profile(
            remote_id=f"urn:li:person:{body['sub']}",
            handle=name or body["sub"],
            display_name=name,
            profile_url="https://www.linkedin.com/in/me/",
            followers=None,  # LinkedIn does not tell apps a member's follower count
        )

    def refresh(self, grant: Grant) -> Grant:
        if not grant.refresh_token:
            raise AuthExpired("LinkedIn gave this app no refresh token", status=None)
        try:
            body = self.http.request(
                "POST",
                self._oauth("/accessToken"),
                form={
                    "grant_type": "refresh_token",
                    "refresh_token": grant.refresh_token,
                    **self._app_form(),
                },
            ).body
        except ConnectorError as exc:
            if exc.permanent:
                raise AuthExpired(exc.message, status=exc.status) from exc
            raise
        return _grant(body, previous=grant)

    def revoke(self, grant: Grant) -> None:
        self.http.request(
            "POST", self._oauth("/revoke"), form={**self._app_form(), "token": grant.access_token}
        )

    # --- Posting ---------------------------------------------------------------------------

    def _commentary(self, post: OutgoingPost) -> str:
        # The article card carries the link: the same URL at the end of the text is dropped.
        text = post.text.rstrip()
        if text.endswith(post.card.url):
            text = text[: -len(post.card.url)].rstrip()
        return little_text(text)

    def publish(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published:
        response = self.http.request(
            "POST",
            "/rest/posts",
            bearer=grant.access_token,
            headers=self._rest_headers(),
            json={
                "author": account.remote_id,
                "commentary": self._commentary(post),
                "visibility": "PUBLIC",
                "distribution": {
                    "feedDistribution": "MAIN_FEED",
                    "targetEntities": [],
                    "thirdPartyDistributionChannels": [],
                },
                "content": {
                    "article": {
                        "source": post.card.url,
                        "title": post.card.title[:400],
                        "description": post.card.description[:4000],
                    }
                },
                "lifecycleState": "PUBLISHED",
                "isReshareDisabledByAuthor": False,
            },
            expect=(400, 403, 422, 426),
        )
        if response.status == 426:
            raise ConnectorError(
                f"LinkedIn no longer accepts API version {self.config.api_version} "
                "(set OUENDAN_LINKEDIN_API_VERSION)",
                permanent=True,
                code="api_version",
                status=426,
            )
        message = self.describe_error(response.status, response.body)
        if response.status == 422 and (match := _DUPLICATE.search(message)):
            return _published(match.group(1))  # LinkedIn says it has this post already
        if response.status >= 400:
            raise PostRejected(message, status=response.status)
        urn = response.header("x-restli-id") or (response.body or {}).get("id", "")
        if not urn:
            raise ConnectorError("LinkedIn did not say which post it made", permanent=False)
        return _published(urn)

    def find(self, grant: Grant, account: Profile, post: OutgoingPost) -> Published | None:
        query = f"q=author&author={quote(account.remote_id, safe='')}&count=20&sortBy=LAST_MODIFIED"
        response = self.http.request(
            "GET",
            f"/rest/posts?{query}",
            bearer=grant.access_token,
            headers=self._rest_headers(),
            expect=(403,),
        )
        if response.status == 403:
            raise CannotTell("LinkedIn lets this app read no posts (r_member_social)")
        for element in (response.body or {}).get("elements", []):
            article = (element.get("content") or {}).get("article") or {}
            if article.get("source") == post.card.url or mentions_link(
                element.get("commentary", ""), post.card.url
            ):
                return _published(element["id"])
        return None

    def metrics(self, grant: Grant, account: Profile, remote_id: str) -> PostMetrics | None:
        kind = "ugc" if ":ugcPost:" in remote_id else "share"
        counts: dict[str, int] = {}
        for metric in METRIC_TYPES:
            query = (
                f"q=entity&entity=({kind}:{quote(remote_id, safe='')})"
                f"&queryType={metric}&aggregation=TOTAL"
            )
            response = self.http.request(
                "GET",
                f"/rest/memberCreatorPostAnalytics?{query}",
                bearer=grant.access_token,
                headers=self._rest_headers(),
                expect=(403,),
            )
            if response.status == 403:
                return None  # r_member_postAnalytics not granted: no numbers from LinkedIn
            elements = (response.body or {}).get("elements", [])
            counts[metric] = sum(int(e.get("count", 0)) for e in elements)
        return PostMetrics(
            likes=counts["REACTION"],
            reposts=counts["RESHARE"],
            replies=counts["COMMENT"],
            impressions=counts["IMPRESSION"],
        )


def _published(urn: str) -> Published:
    return Published(remote_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/")
