"""Connected accounts API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.integrations.api import accounts, posts, settings

router = Router()
router.add_router("", accounts.router)
router.add_router("", posts.router)
router.add_router("", settings.router)
