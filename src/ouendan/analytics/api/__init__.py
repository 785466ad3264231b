"""Analytics API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.analytics.api import figures, goals, reports, roi, settings, summary

router = Router()
router.add_router("", summary.router)
router.add_router("", reports.router)
router.add_router("", figures.router)
router.add_router("", goals.router)
router.add_router("", roi.router)
router.add_router("", settings.router)
