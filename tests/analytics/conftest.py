"""Fixtures of the analytics tests: a share with its link (as tracking's tests make them)."""

from tests.tracking.conftest import (
    curator,
    curator_actor,
    item,
    link,
    promo,
    reviewer,
    reviewer_actor,
    shared,
    sharer,
)

__all__ = [
    "curator",
    "curator_actor",
    "item",
    "link",
    "promo",
    "reviewer",
    "reviewer_actor",
    "shared",
    "sharer",
]
