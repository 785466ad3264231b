"""Mastodon: any server, an app registered on it by us, OAuth, statuses with an idempotency
key."""

from ouendan.integrations.mastodon.connector import MastodonConnector, app_register

__all__ = ["MastodonConnector", "app_register"]
