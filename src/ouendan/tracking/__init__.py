"""Tracked links, the redirect app, click capture, the bot filter and visitor counting."""
