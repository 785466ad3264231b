"""Content items, variants, media, topics, campaigns, sources (RSS), suggestions."""
