"""Writes of sharing."""
