"""Recognition: the points ledger and its rules, badges and streaks, leaderboards."""
