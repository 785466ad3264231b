"""Names for the rows of a ranking: content titles, campaign and department names, network
labels, and advocates as each chose to appear (``None``: not at all)."""

from __future__ import annotations

from typing import Any

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.selectors import department_paths, public_name
from ouendan.content.models import Campaign, ContentItem
from ouendan.networks import RULES, Network


def labels_for(actor: Actor) -> Any:
    """A ``(dimension, keys) -> {key: label}`` function for ``selectors.ranking``."""

    def labels(dimension: str, keys: list[Any]) -> dict[Any, str | None]:
        wanted = [k for k in keys if k is not None]
        if dimension == "content":
            return dict(
                ContentItem.objects.filter(
                    organization=actor.organization, pk__in=wanted
                ).values_list("pk", "title")
            )
        if dimension == "campaign":
            return dict(
                Campaign.objects.filter(organization=actor.organization, pk__in=wanted).values_list(
                    "pk", "name"
                )
            )
        if dimension == "department":
            return dict(department_paths(actor=actor))
        if dimension == "network":
            return {
                k: str(RULES[Network(k)].label) for k in wanted if k in Network.__members__.values()
            }
        people = Membership.objects.filter(organization=actor.organization, pk__in=wanted)
        return {m.pk: public_name(m, actor.organization) for m in people}

    return labels
