"""Bluesky: a handle and an app password, posts through the AT Protocol."""

from ouendan.integrations.bluesky.connector import BlueskyConnector

__all__ = ["BlueskyConnector"]
