"""The demo organization and its data: ``manage.py demo``, ``demo_seed`` and ``demo_reset``."""
