"""The signed-in person, people, departments and locations."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from ouendan.accounts.permissions import Actor

router = Router(tags=["people"])


class MeOut(Schema):
    email: str | None
    full_name: str
    organization: str
    organization_name: str
    roles: list[str]
    time_zone: str


@router.get("/me", response=MeOut, summary="The signed-in person or token")
def me(request: HttpRequest) -> MeOut:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return MeOut(
        email=actor.user.email if actor.user else None,
        full_name=actor.display,
        organization=actor.organization.slug,
        organization_name=actor.organization.name,
        roles=sorted(actor.roles),
        time_zone=actor.organization.time_zone,
    )
