"""Pages of recognition: my points, the leaderboard, how I appear, the rules, the review."""
