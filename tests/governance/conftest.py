"""Fixtures of the governance tests: the content tests' people, shared."""

from tests.content.conftest import curator, curator_actor, reviewer, reviewer_actor

__all__ = ["curator", "curator_actor", "reviewer", "reviewer_actor"]
