"""Writes of governance, one module per area: ``compliance`` (the scanner's lists, scanning a
text) and ``policy`` (the social-media policy and its acknowledgments)."""
