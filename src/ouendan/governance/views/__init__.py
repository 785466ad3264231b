"""Governance pages: the compliance rules (compliance.py) and the policy (policy.py)."""
