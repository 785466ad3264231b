"""Accounts API: one router gathering the modules that own each resource."""

from ninja import Router

from ouendan.accounts.api import invitations, people, tokens

router = Router()
router.add_router("", tokens.router)
router.add_router("", people.router)
router.add_router("", invitations.router)
