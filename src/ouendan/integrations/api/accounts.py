"""Connected accounts over the API: list yours, connect Bluesky with an app password, start an
OAuth connection (Mastodon, LinkedIn, X), disconnect."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses
from ouendan.integrations.models import ConnectedAccount
from ouendan.integrations.selectors import accounts_mine
from ouendan.integrations.services.accounts import (
    account_authorize_start,
    account_connect_bluesky,
    account_disconnect,
)

router = Router(tags=["connected accounts"])

OAuthNetwork = Literal["mastodon", "linkedin", "x"]


class AccountOut(Schema):
    id: int
    network: Literal["bluesky", "mastodon", "linkedin", "x"]
    handle: str
    display_name: str
    profile_url: str
    instance: str = Field(description="The Mastodon server or Bluesky PDS (empty otherwise).")
    status: Literal["active", "needs_reconnect", "disconnected"]
    followers: int | None = Field(description="As the network last told (`null`: it does not).")
    last_error: str
    lapses_at: datetime | None = Field(
        description="When the connection stops working unless renewed (`null`: it does not "
        "lapse by itself)."
    )
    connected_at: datetime


class BlueskyIn(Schema):
    handle: str = Field(max_length=253, examples=["mirai-taro.bsky.social"])
    app_password: str = Field(
        max_length=64,
        description="An app password (`xxxx-xxxx-xxxx-xxxx`, from Bluesky's settings); your "
        "account password is refused without being sent anywhere. Not stored.",
    )
    service: str = Field(
        default="", max_length=300, description="Your PDS if not `https://bsky.social`."
    )


class AuthorizeIn(Schema):
    instance: str = Field(
        default="",
        max_length=300,
        description="Mastodon only: your server, e.g. `mastodon.social`.",
    )


class AuthorizeOut(Schema):
    authorize_url: str = Field(
        description="Open it in the browser where you are signed in to Ouendan; the network "
        "sends you back to `/connected/callback/{network}/`, valid 10 minutes."
    )


def account_out(account: ConnectedAccount) -> dict[str, Any]:
    return {
        "id": account.pk,
        "network": account.network,
        "handle": account.handle,
        "display_name": account.display_name,
        "profile_url": account.profile_url,
        "instance": account.instance,
        "status": account.status,
        "followers": account.followers,
        "last_error": account.last_error,
        "lapses_at": account.lapses_at,
        "connected_at": account.connected_at,
    }


@router.get(
    "/connected-accounts",
    response={200: list[AccountOut], **error_responses(400, 401, 403)},
    summary="Your connected accounts",
)
def accounts_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [account_out(a) for a in accounts_mine(actor=request_actor(request))]


@router.post(
    "/connected-accounts/bluesky",
    response={201: AccountOut, **error_responses(400, 401, 403, 409)},
    summary="Connect Bluesky with an app password",
    description="Errors: `400 connect_failed` (with `error.fields`), `400 network_disabled` "
    "(your organization has not switched Bluesky on).",
)
def bluesky_connect_api(request: HttpRequest, payload: BlueskyIn) -> Status[dict[str, Any]]:
    account = account_connect_bluesky(
        actor=request_actor(request),
        handle=payload.handle,
        app_password=payload.app_password,
        service=payload.service,
    )
    return Status(201, account_out(account))


@router.post(
    "/connected-accounts/{network}/authorize",
    response={200: AuthorizeOut, **error_responses(400, 401, 403)},
    summary="Start connecting Mastodon, LinkedIn or X",
    description="Returns the network's page where you grant access. Errors: `400 "
    "network_disabled` (switched off, or LinkedIn/X without the organization's app), `400 "
    "invalid_instance`, `400 connect_failed` (the Mastodon server refused to register us).",
)
def authorize_api(
    request: HttpRequest, network: OAuthNetwork, payload: AuthorizeIn
) -> dict[str, str]:
    url = account_authorize_start(
        actor=request_actor(request), network=network, instance=payload.instance
    )
    return {"authorize_url": url}


@router.delete(
    "/connected-accounts/{int:account_id}",
    response={200: AccountOut, **error_responses(400, 401, 403, 404)},
    summary="Disconnect an account",
    description="Revokes the tokens at the network where it allows it, forgets them here, and "
    "cancels the posts still waiting to go out through it.",
)
def account_disconnect_api(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return account_out(account_disconnect(actor=request_actor(request), account_id=account_id))
