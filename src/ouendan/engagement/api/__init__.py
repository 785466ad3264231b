"""Recognition API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.engagement.api import contests, leaderboard, points, recognition, rewards, rules

router = Router()
router.add_router("", points.router)
router.add_router("", rules.router)
router.add_router("", leaderboard.router)
router.add_router("", contests.router)
router.add_router("", rewards.router)
router.add_router("", recognition.router)
