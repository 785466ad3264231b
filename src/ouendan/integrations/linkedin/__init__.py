"""LinkedIn: OAuth 2.0 with ``w_member_social`` and OpenID, article shares through the Posts
API."""

from ouendan.integrations.linkedin.connector import LinkedInConnector, little_text

__all__ = ["LinkedInConnector", "little_text"]
