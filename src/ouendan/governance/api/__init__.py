"""Governance API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.governance.api import compliance, crisis, policy, reviews, workflows

router = Router()
router.add_router("", compliance.router)
router.add_router("", policy.router)
router.add_router("", crisis.router)
router.add_router("", reviews.router)
router.add_router("", workflows.router)
