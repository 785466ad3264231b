"""Composing: how long a text is on each network (the editor asks while the person types)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ouendan.core.api import error_responses
from ouendan.networks import PROBLEM_MESSAGES, RULES, Network, Unit, text_measure

router = Router(tags=["compose"])

TEXT_MAX = 10_000


class MeasureIn(Schema):
    text: str = Field(max_length=TEXT_MAX, description="The text as it would be posted.")
    network: Network = Field(description="x, linkedin, facebook, instagram, threads, bluesky, …")


class ProblemOut(Schema):
    code: str
    message: str


class MeasureOut(Schema):
    network: Network
    length: int = Field(description="The length as the network counts it (see `unit`).")
    limit: int | None = Field(description="The network's limit; null where it sets none.")
    ok: bool = Field(description="True when the network would accept the text as it is.")
    unit: Unit
    remaining: int | None
    hashtags: int
    problems: list[ProblemOut] = Field(description="Why `ok` is false, if it is.")


class NetworkOut(Schema):
    network: Network
    label: str
    unit: Unit
    limit: int | None
    urls_count: int | None = Field(description="Every URL counts this many, where set.")
    hashtag_limit: int | None


@router.post(
    "/compose/measure",
    response={200: MeasureOut, **error_responses(401, 422)},
    summary="Measure a text for one network",
    description="Counts the way the network does: X weighs each character 1 or 2 (kana, kanji "
    "and emoji 2; an emoji sequence is one emoji) and every URL 23, limit 280; Bluesky counts "
    "graphemes (300); Mastodon graphemes with URLs as 23 (500); LinkedIn 3,000, Threads 500 and "
    "Instagram 2,200 characters (Instagram also at most 5 hashtags); Facebook and LINE set no "
    'limit. Example: `{"text": "…", "network": "x"}` → `{"network": "x", "length": 46, '
    '"limit": 280, "ok": true, …}`.',
)
def compose_measure(request: HttpRequest, payload: MeasureIn) -> MeasureOut:
    measured = text_measure(text=payload.text, network=payload.network)
    return MeasureOut(
        network=measured.network,
        length=measured.length,
        limit=measured.limit,
        ok=measured.ok,
        unit=measured.unit,
        remaining=measured.remaining,
        hashtags=measured.hashtags,
        problems=[
            ProblemOut(code=problem, message=str(PROBLEM_MESSAGES[problem]))
            for problem in measured.problems
        ],
    )


@router.get(
    "/compose/networks",
    response={200: list[NetworkOut], **error_responses(401)},
    summary="Every network's text rules",
)
def compose_networks(request: HttpRequest) -> list[NetworkOut]:
    return [
        NetworkOut(
            network=rules.network,
            label=str(rules.label),
            unit=rules.unit,
            limit=rules.limit,
            urls_count=rules.urls_count,
            hashtag_limit=rules.hashtag_limit,
        )
        for rules in RULES.values()
    ]
