"""Every write of connected accounts: connecting (accounts), posting (publishing), numbers
(metrics), an organization's rules and apps (settings)."""
