"""Sharing API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.sharing.api import audience, compose, feed, shares

router = Router()
router.add_router("", compose.router)
router.add_router("", feed.router)
router.add_router("", shares.router)
router.add_router("", audience.router)
