"""Ouendan (応援団): an open-source, self-hostable employee advocacy platform."""
