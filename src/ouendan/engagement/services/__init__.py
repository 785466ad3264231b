"""Every write of recognition: ``rules`` (versions), ``ledger`` (entries, reviews,
corrections), ``awarding`` (the periodic job) and ``badges``."""
