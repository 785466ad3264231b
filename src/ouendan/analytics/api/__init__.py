"""Analytics API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.analytics.api import summary

router = Router()
router.add_router("", summary.router)
