"""Data of recognition, one module per area: ``points`` (rules, ledger, the awarding job's
bookkeeping) and ``badges``. Contests, rewards and shout-outs add their own modules here."""

from ouendan.engagement.models.badges import BadgeAward
from ouendan.engagement.models.contests import (
    Contest,
    ContestParticipant,
    ContestTeam,
    ContestWinner,
)
from ouendan.engagement.models.points import (
    AwardCursor,
    PointEntry,
    PointRules,
    ShareTally,
    default_conversion_points,
)
from ouendan.engagement.models.recognition import Announcement, ShoutOut
from ouendan.engagement.models.rewards import Redemption, Reward, RewardBudget

__all__ = [
    "Announcement",
    "AwardCursor",
    "BadgeAward",
    "Contest",
    "ContestParticipant",
    "ContestTeam",
    "ContestWinner",
    "PointEntry",
    "PointRules",
    "Redemption",
    "Reward",
    "RewardBudget",
    "ShareTally",
    "ShoutOut",
    "default_conversion_points",
]
