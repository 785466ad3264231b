"""Who may do what: one matrix of (role × action), used by pages and the API alike.

Every read and write goes through ``can`` / ``require`` with an explicit ``Actor``; there is no
"current organization" anywhere else. Token scopes narrow what a role allows: a ``read`` token
may only perform actions that do not write; a ``conversions`` token only records conversions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from ouendan.accounts.roles import Role

if TYPE_CHECKING:
    from ouendan.accounts.models import Membership, Organization, User


class Action(enum.StrEnum):
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    DEPARTMENTS_VIEW = "departments.view"
    DEPARTMENTS_MANAGE = "departments.manage"
    PEOPLE_VIEW = "people.view"
    PEOPLE_MANAGE = "people.manage"
    PEOPLE_IMPORT = "people.import"
    PEOPLE_OFFBOARD = "people.offboard"
    PEOPLE_SECURITY_RESET = "people.security_reset"
    ROLES_ASSIGN = "roles.assign"
    INVITATIONS_MANAGE = "invitations.manage"
    AUDIT_VIEW = "audit.view"
    TOKENS_PERSONAL = "tokens.personal"
    TOKENS_ORGANIZATION = "tokens.organization"
    CONTENT_VIEW = "content.view"
    CONTENT_MANAGE = "content.manage"
    CONTENT_REVIEW = "content.review"
    CAMPAIGNS_MANAGE = "campaigns.manage"
    SOURCES_MANAGE = "sources.manage"
    TOPICS_VIEW = "topics.view"
    TOPICS_MANAGE = "topics.manage"
    TOPICS_SUBSCRIBE = "topics.subscribe"
    SUGGESTIONS_CREATE = "suggestions.create"
    SUGGESTIONS_REVIEW = "suggestions.review"
    COMPLIANCE_SCAN = "compliance.scan"
    COMPLIANCE_MANAGE = "compliance.manage"
    POLICY_READ = "policy.read"
    POLICY_ACKNOWLEDGE = "policy.acknowledge"
    POLICY_MANAGE = "policy.manage"
    CRISIS_PAUSE = "crisis.pause"
    WORKFLOWS_MANAGE = "workflows.manage"
    FEED_VIEW = "feed.view"
    SHARES_CREATE = "shares.create"
    CONNECTIONS_MANAGE = "connections.manage"
    POSTS_SCHEDULE = "posts.schedule"
    POSTING_MANAGE = "posting.manage"
    NETWORK_APPS_MANAGE = "network_apps.manage"
    CONVERSIONS_RECORD = "conversions.record"
    CONVERSIONS_MANAGE = "conversions.manage"
    ANALYTICS_VIEW = "analytics.view"
    ANALYTICS_MANAGE = "analytics.manage"
    ENGAGEMENT_VIEW = "engagement.view"
    ENGAGEMENT_MANAGE = "engagement.manage"
    POINTS_VIEW_OWN = "points.view_own"
    APPEARANCE_CHOOSE = "appearance.choose"
    CONTESTS_JOIN = "contests.join"
    CONTESTS_MANAGE = "contests.manage"
    REWARDS_REDEEM = "rewards.redeem"
    REWARDS_MANAGE = "rewards.manage"
    SHOUT_OUTS_SEND = "shout_outs.send"

    @property
    def writes(self) -> bool:
        return self not in _READ_ONLY


_READ_ONLY = frozenset(
    {
        Action.ORG_VIEW,
        Action.DEPARTMENTS_VIEW,
        Action.PEOPLE_VIEW,
        Action.AUDIT_VIEW,
        Action.CONTENT_VIEW,
        Action.TOPICS_VIEW,
        Action.COMPLIANCE_SCAN,
        Action.POLICY_READ,
        Action.FEED_VIEW,
        Action.ANALYTICS_VIEW,
        Action.ENGAGEMENT_VIEW,
        Action.POINTS_VIEW_OWN,
    }
)

_ALL_ROLES = frozenset(Role)
_ADMINS = frozenset({Role.ORG_ADMIN})
_PEOPLE_ADMINS = frozenset({Role.ORG_ADMIN, Role.PROGRAM_MANAGER})
_CURATORS = frozenset({Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.CURATOR})

# The matrix. Read it as: this action is allowed to anyone holding one of these roles.
MATRIX: dict[Action, frozenset[Role]] = {
    Action.ORG_VIEW: _ALL_ROLES,
    Action.ORG_MANAGE: _ADMINS,
    Action.DEPARTMENTS_VIEW: _ALL_ROLES,
    Action.DEPARTMENTS_MANAGE: _PEOPLE_ADMINS,
    Action.PEOPLE_VIEW: frozenset({Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.MANAGER}),
    Action.PEOPLE_MANAGE: _PEOPLE_ADMINS,
    Action.PEOPLE_IMPORT: _PEOPLE_ADMINS,
    Action.PEOPLE_OFFBOARD: _ADMINS,
    # Resetting someone's second factor hands their account to whoever holds their password.
    Action.PEOPLE_SECURITY_RESET: _ADMINS,
    Action.ROLES_ASSIGN: _ADMINS,
    Action.INVITATIONS_MANAGE: _PEOPLE_ADMINS,
    Action.AUDIT_VIEW: _ADMINS,
    Action.TOKENS_PERSONAL: _ALL_ROLES,
    Action.TOKENS_ORGANIZATION: _ADMINS,
    # The library: curators write it, reviewers read it to review, program managers run it.
    Action.CONTENT_VIEW: _CURATORS | {Role.REVIEWER},
    Action.CONTENT_MANAGE: _CURATORS,
    # Approving is kept apart from writing: reviewers (法務, brand) and the program manager.
    Action.CONTENT_REVIEW: frozenset({Role.REVIEWER, Role.PROGRAM_MANAGER}),
    Action.CAMPAIGNS_MANAGE: _CURATORS,
    Action.SOURCES_MANAGE: _CURATORS,
    Action.TOPICS_VIEW: _ALL_ROLES,
    Action.TOPICS_MANAGE: _CURATORS,
    Action.TOPICS_SUBSCRIBE: _ALL_ROLES,
    # Anyone in the program may propose a link; curators decide.
    Action.SUGGESTIONS_CREATE: _ALL_ROLES,
    Action.SUGGESTIONS_REVIEW: _CURATORS,
    # Anyone about to share checks their text; reviewers (法務) and admins keep the lists.
    Action.COMPLIANCE_SCAN: _ALL_ROLES,
    Action.COMPLIANCE_MANAGE: frozenset({Role.ORG_ADMIN, Role.REVIEWER}),
    Action.POLICY_READ: _ALL_ROLES,
    Action.POLICY_ACKNOWLEDGE: _ALL_ROLES,
    # The policy is written by 広報 (the program) and 法務 (reviewers).
    Action.POLICY_MANAGE: frozenset({Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.REVIEWER}),
    # One switch stops everything going out: the program manager and org admins hold it.
    Action.CRISIS_PAUSE: _PEOPLE_ADMINS,
    Action.WORKFLOWS_MANAGE: _PEOPLE_ADMINS,
    # Every employee may share (voluntarily): the feed and shares are for all roles.
    Action.FEED_VIEW: _ALL_ROLES,
    Action.SHARES_CREATE: _ALL_ROLES,
    # Connecting one's own accounts and letting Ouendan post: as voluntary as sharing.
    Action.CONNECTIONS_MANAGE: _ALL_ROLES,
    Action.POSTS_SCHEDULE: _ALL_ROLES,
    # Sharing hours, daily caps and which networks may be posted to directly (X bills per post).
    Action.POSTING_MANAGE: _PEOPLE_ADMINS,
    # The organization's OAuth clients at LinkedIn and X hold secrets: admins only.
    Action.NETWORK_APPS_MANAGE: _ADMINS,
    # A conversion is reported by the company's site (an organization token or a signature); an
    # admin may try it by hand. Conversion types and the attribution window: the program.
    Action.CONVERSIONS_RECORD: _ADMINS,
    Action.CONVERSIONS_MANAGE: _PEOPLE_ADMINS,
    # Program figures: the program, managers (their departments only: analytics.selectors
    # scope_departments) and executive viewers (everything, read-only). Rates, goals, costs and
    # report mailing: the program.
    Action.ANALYTICS_VIEW: frozenset(
        {Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.MANAGER, Role.EXECUTIVE_VIEWER}
    ),
    Action.ANALYTICS_MANAGE: _PEOPLE_ADMINS,
    # Recognition is for everyone taking part: leaderboards, one's own points and badges, and
    # how one appears to colleagues. The rules, the review of flagged points and corrections:
    # the program.
    Action.ENGAGEMENT_VIEW: _ALL_ROLES,
    Action.ENGAGEMENT_MANAGE: _PEOPLE_ADMINS,
    Action.POINTS_VIEW_OWN: _ALL_ROLES,
    Action.APPEARANCE_CHOOSE: _ALL_ROLES,
    # Contests are voluntary: anyone may join (and leave); the program creates and runs them.
    # Anyone may ask for a reward with their points; the program keeps the catalog and the
    # budget and approves. Shout-outs come from the program and from managers.
    Action.CONTESTS_JOIN: _ALL_ROLES,
    Action.CONTESTS_MANAGE: _PEOPLE_ADMINS,
    Action.REWARDS_REDEEM: _ALL_ROLES,
    Action.REWARDS_MANAGE: _PEOPLE_ADMINS,
    Action.SHOUT_OUTS_SEND: frozenset({Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.MANAGER}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organization, with which roles (and token scopes, if any)."""

    organization: Organization
    roles: frozenset[Role]
    user: User | None = None
    membership: Membership | None = None
    scopes: frozenset[str] | None = None
    label: str = field(default="")

    @property
    def display(self) -> str:
        if self.label:
            return self.label
        if self.membership is not None:
            return self.membership.full_name
        return self.user.email if self.user is not None else "system"


# A token (or a signed report) with only this scope may record conversions and nothing else,
# whatever its roles: the company's careers site never needs an admin-powered token.
SCOPE_CONVERSIONS = "conversions"


def can(actor: Actor, action: Action) -> bool:
    if actor.scopes is not None:
        if SCOPE_CONVERSIONS in actor.scopes:
            if action is Action.CONVERSIONS_RECORD:
                return True
            if not actor.scopes & {"read", "write"}:
                return False
        if action.writes and "write" not in actor.scopes:
            return False
    return bool(MATRIX[action] & actor.roles)


def require(actor: Actor, action: Action) -> None:
    """Raise ``PermissionDenied`` unless the actor may perform the action."""
    if not can(actor, action):
        raise PermissionDenied(action.value)


def actor_for_membership(membership: Membership, *, scopes: frozenset[str] | None = None) -> Actor:
    return Actor(
        organization=membership.organization,
        roles=membership.role_set(),
        user=membership.user,
        membership=membership,
        scopes=scopes,
    )


def system_actor(organization: Organization, label: str = "system") -> Actor:
    """The scheduler and workers act as this: every role, no person."""
    return Actor(organization=organization, roles=_ALL_ROLES, label=label)
