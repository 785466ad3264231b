"""The caller's follower counts per network (their potential reach), over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses
from ouendan.networks import Network
from ouendan.sharing.selectors import AudienceRow, audience_mine
from ouendan.sharing.services.audience import FOLLOWERS_MAX, audience_update

router = Router(tags=["shares"])


class AudienceNetworkOut(Schema):
    network: Network
    label: str = Field(description="The network's name, as the pages show it.")
    followers: int | None = Field(description="`null`: unknown (no reach is counted there).")
    source: Literal["network", "self"] | None = Field(
        description="`network`: reported by a connected account; `self`: entered by you; "
        "`null` while unknown."
    )
    learned_at: datetime | None = Field(description="When the count was reported or entered.")
    editable: bool = Field(
        description="False while a connected account keeps the count up to date: the "
        "network's figure wins and yours would be refused (`409 audience_reported`)."
    )


class AudienceOut(Schema):
    networks: list[AudienceNetworkOut] = Field(description="Every network, in a fixed order.")


class AudienceNetworkIn(Schema):
    network: Network
    followers: int | None = Field(
        description=f"How many people follow you there, 0 to {FOLLOWERS_MAX:,}; `null` "
        "forgets the count you entered."
    )


class AudienceIn(Schema):
    networks: list[AudienceNetworkIn] = Field(
        max_length=20,
        description="The networks to set; networks left out keep their count.",
    )


def _row_out(row: AudienceRow) -> dict[str, Any]:
    return {
        "network": row.network,
        "label": row.label,
        "followers": row.followers,
        "source": row.source or None,
        "learned_at": row.learned_at,
        "editable": not row.connected,
    }


def audience_out(rows: list[AudienceRow]) -> dict[str, Any]:
    return {"networks": [_row_out(row) for row in rows]}


@router.get(
    "/me/audience",
    response={200: AudienceOut, **error_responses(400, 401, 403)},
    summary="Your followers on each network",
    description="The follower count known for you on each network: your **potential reach**, "
    "copied onto each share you make there (`reach` in `GET /shares`). A connected account "
    "reports its count itself (`source: network`); elsewhere you may enter yours. A person's "
    "own; `400 person_required` for an organization token. A `read` token is enough.",
)
def audience_api(request: HttpRequest) -> dict[str, Any]:
    return audience_out(audience_mine(actor=request_actor(request)))


@router.put(
    "/me/audience",
    response={200: AudienceOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Enter your followers on some networks",
    description="Sets the counts you send (0 to 100,000,000 each; `null` forgets one); networks "
    "you leave out keep theirs. Every value is checked first: `400 invalid` with "
    "`error.fields` naming each network whose number is out of range, and nothing is stored. "
    "`409 audience_reported` for a network whose count your connected account reports "
    "(sending that same count back is accepted). Needs a `write` token. Example: "
    '`{"networks": [{"network": "x", "followers": 1200}, {"network": "line", "followers": '
    "null}]}`.",
)
def audience_update_api(request: HttpRequest, payload: AudienceIn) -> dict[str, Any]:
    actor = request_actor(request)
    audience_update(
        actor=actor,
        counts={entry.network.value: entry.followers for entry in payload.networks},
    )
    return audience_out(audience_mine(actor=actor))
