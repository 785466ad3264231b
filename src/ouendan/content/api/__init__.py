"""Content API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.content.api import items, library

router = Router()
router.add_router("", items.router)
router.add_router("", library.router)
