"""X: OAuth 2.0 with PKCE, posts through ``POST /2/tweets``."""

from ouendan.integrations.x.connector import XConnector

__all__ = ["XConnector"]
