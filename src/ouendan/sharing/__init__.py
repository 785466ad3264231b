"""The feed, the networks (limits, intent URLs), shares, connected accounts and publishing."""
