"""Content API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.content.api import campaigns, items, parts, sources, suggestions, topics

router = Router()
for module in (items, parts, campaigns, topics, sources, suggestions):
    router.add_router("", module.router)
