"""Tracking's API: conversions reported by the company's site, and their settings."""

from ninja import Router

from ouendan.tracking.api import conversions, settings

router = Router()
router.add_router("", conversions.router)
router.add_router("", settings.router)
