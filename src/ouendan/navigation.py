"""The navigation: one section per area of the product's feature map, filtered by the matrix.

Each app adds its pages to its area's section here. A section with no page the actor may open
is not shown, so a role sees only what it can use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouendan.accounts.permissions import Action, Actor, can
from ouendan.governance.selectors import crisis_pause_active


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: Action
    description: str | Promise = ""


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise
    items: tuple[NavItem, ...]


# The areas of PRODUCT.md's feature map, in the order a person meets them.
SECTIONS: tuple[NavSection, ...] = (
    NavSection(
        "sharing",
        _("Share"),
        (
            NavItem(
                _("Feed"),
                "sharing:feed",
                Action.FEED_VIEW,
                _("Approved content to share in your own words"),
            ),
            NavItem(
                _("My impact"),
                "sharing:impact",
                Action.SHARES_CREATE,
                _("Your shares and the people they brought"),
            ),
            NavItem(
                _("My sharing profile"),
                "sharing:profile",
                Action.SHARES_CREATE,
                _("How many people follow you on each network"),
            ),
            NavItem(
                _("Connected accounts"),
                "integrations:accounts",
                Action.CONNECTIONS_MANAGE,
                _("Let Ouendan post for you on Bluesky, Mastodon, LinkedIn or X"),
            ),
            NavItem(
                _("My scheduled posts"),
                "integrations:posts",
                Action.POSTS_SCHEDULE,
                _("Posts Ouendan publishes for you, now or later"),
            ),
            NavItem(
                _("Topics I follow"),
                "content:topics",
                Action.TOPICS_SUBSCRIBE,
                _("Choose what you want to see first"),
            ),
            NavItem(
                _("Suggest content"),
                "content:suggest",
                Action.SUGGESTIONS_CREATE,
                _("Propose a link worth sharing"),
            ),
        ),
    ),
    NavSection(
        "content",
        _("Content"),
        (
            NavItem(
                _("Library"),
                "content:library",
                Action.CONTENT_VIEW,
                _("Everything there is to share, in every state"),
            ),
            NavItem(
                _("Campaigns"),
                "content:campaigns",
                Action.CONTENT_VIEW,
                _("Time-boxed pushes with a goal"),
            ),
            NavItem(
                _("Feeds"),
                "content:sources",
                Action.SOURCES_MANAGE,
                _("Blogs and press releases that become drafts by themselves"),
            ),
            NavItem(
                _("Suggestions"),
                "content:suggestions",
                Action.SUGGESTIONS_REVIEW,
                _("Links colleagues propose"),
            ),
        ),
    ),
    NavSection(
        "governance",
        _("Governance"),
        (
            NavItem(
                _("Review queue"),
                "governance:reviews",
                Action.CONTENT_VIEW,
                _("Content waiting for your decision"),
            ),
            NavItem(
                _("Workflows"),
                "governance:workflows",
                Action.WORKFLOWS_MANAGE,
                _("Who approves content, stage by stage"),
            ),
            NavItem(
                _("Social-media policy"),
                "governance:policy",
                Action.POLICY_READ,
                _("The rules every advocate accepts before sharing"),
            ),
            NavItem(
                _("Crisis pause"),
                "governance:crisis",
                Action.CRISIS_PAUSE,
                _("Stop everything that goes out, at once"),
            ),
            NavItem(
                _("Compliance rules"),
                "governance:compliance",
                Action.COMPLIANCE_MANAGE,
                _("What the scanner blocks or warns about in every shared text"),
            ),
        ),
    ),
    NavSection(
        "analytics",
        _("Analytics"),
        (
            NavItem(
                _("Program overview"),
                "analytics:overview",
                Action.ANALYTICS_VIEW,
                _("Shares, clicks, conversions, reach and participation at a glance"),
            ),
            NavItem(
                _("Content ranking"),
                "analytics:content",
                Action.ANALYTICS_VIEW,
                _("Which content brought people, results and value"),
            ),
            NavItem(
                _("Advocate ranking"),
                "analytics:advocates",
                Action.ANALYTICS_VIEW,
                _("Each advocate's results, as each chose to appear"),
            ),
            NavItem(
                _("Department results"),
                "analytics:departments",
                Action.ANALYTICS_VIEW,
                _("Figures and participation per department"),
            ),
            NavItem(
                _("Network results"),
                "analytics:networks",
                Action.ANALYTICS_VIEW,
                _("Where shares went and what each network brought"),
            ),
            NavItem(
                _("Campaign results"),
                "analytics:campaigns",
                Action.ANALYTICS_VIEW,
                _("Each campaign's figures"),
            ),
            NavItem(
                _("Trends"),
                "analytics:trends",
                Action.ANALYTICS_VIEW,
                _("The figures per day, week or month"),
            ),
            NavItem(
                _("KPI goals"),
                "analytics:goals",
                Action.ANALYTICS_VIEW,
                _("Targets for a quarter and where each stands"),
            ),
            NavItem(
                _("Return on investment"),
                "analytics:roi",
                Action.ANALYTICS_VIEW,
                _("What the program cost against what it brought, with its assumptions"),
            ),
            NavItem(
                _("Analytics settings"),
                "analytics:settings",
                Action.ANALYTICS_MANAGE,
                _("Currency, earned-media rates per network and the program's costs"),
            ),
        ),
    ),
    NavSection(
        "engagement",
        _("Recognition"),
        (
            NavItem(
                _("My points"),
                "engagement:points",
                Action.POINTS_VIEW_OWN,
                _("Your points, badges and streak, each entry explained"),
            ),
            NavItem(
                _("Leaderboard"),
                "engagement:leaderboard",
                Action.ENGAGEMENT_VIEW,
                _("Who spread the word most this month, this quarter, ever"),
            ),
            NavItem(
                _("How I appear"),
                "engagement:appearance",
                Action.APPEARANCE_CHOOSE,
                _("By name, by nickname, or not at all"),
            ),
            NavItem(
                _("Contests"),
                "engagement:contests",
                Action.ENGAGEMENT_VIEW,
                _("Friendly challenges to join if you like"),
            ),
            NavItem(
                _("Rewards"),
                "engagement:rewards",
                Action.POINTS_VIEW_OWN,
                _("Turn your points into something real"),
            ),
            NavItem(
                _("Shout-outs"),
                "engagement:recognition",
                Action.POINTS_VIEW_OWN,
                _("Thanks you received, and the month's highlights"),
            ),
            NavItem(
                _("Point rules"),
                "engagement:rules",
                Action.ENGAGEMENT_MANAGE,
                _("What earns points, and the fraud check"),
            ),
            NavItem(
                _("Points review"),
                "engagement:review",
                Action.ENGAGEMENT_MANAGE,
                _("Points held by the fraud check, and corrections"),
            ),
            NavItem(
                _("Manage rewards"),
                "engagement:rewards_program",
                Action.REWARDS_MANAGE,
                _("Requests to approve, the catalog and the budget"),
            ),
        ),
    ),
    NavSection("enablement", _("Enablement"), ()),
    NavSection(
        "platform",
        _("Organization"),
        (
            NavItem(
                _("People"),
                "accounts:people",
                Action.PEOPLE_VIEW,
                _("Find colleagues by name, department, location or role"),
            ),
            NavItem(
                _("Departments"),
                "accounts:departments",
                Action.DEPARTMENTS_MANAGE,
                _("The department tree and the locations"),
            ),
            NavItem(
                _("Invitations"),
                "accounts:invitations",
                Action.INVITATIONS_MANAGE,
                _("Invite people by e-mail and follow up"),
            ),
            NavItem(
                _("Import employees"),
                "accounts:import",
                Action.PEOPLE_IMPORT,
                _("Add or update many people from a CSV file"),
            ),
            NavItem(
                _("Settings"),
                "accounts:settings",
                Action.ORG_MANAGE,
                _("Name, logo, language, time zone and sign-in rules"),
            ),
            NavItem(
                _("Direct posting"),
                "integrations:settings",
                Action.POSTING_MANAGE,
                _("Networks, sharing hours and daily limits for connected accounts"),
            ),
            NavItem(
                _("Conversion tracking"),
                "conversions:settings",
                Action.CONVERSIONS_MANAGE,
                _("The snippet for your site, conversion types and attribution"),
            ),
            NavItem(
                _("API tokens"),
                "accounts:org_tokens",
                Action.TOKENS_ORGANIZATION,
                _("Tokens for integrations that act for the organization"),
            ),
            NavItem(
                _("Audit log"),
                "accounts:audit",
                Action.AUDIT_VIEW,
                _("Who changed what, and when — tamper-evident"),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool
    description: str = ""


def navigation_for(actor: Actor, current_path: str) -> list[tuple[str, list[NavLink]]]:
    visible = [
        (
            section,
            [(item, reverse(item.url_name)) for item in section.items if can(actor, item.action)],
        )
        for section in SECTIONS
    ]
    # The current page is the link with the longest URL that prefixes the path, so a page
    # under /organization/departments/ marks Departments, not Settings (/organization/) too.
    matches = [url for _, items in visible for _, url in items if current_path.startswith(url)]
    current = max(matches, key=len, default=None)
    return [
        (
            str(section.label),
            [
                NavLink(str(item.label), url, url == current, str(item.description))
                for item, url in items
            ],
        )
        for section, items in visible
        if items
    ]


def shell(request: HttpRequest) -> dict[str, object]:
    """Template context for the page shell: the actor and their navigation."""
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "nav_sections": [], "crisis_pause": None}
    return {
        "actor": actor,
        "nav_sections": navigation_for(actor, request.path),
        "crisis_pause": crisis_pause_active(actor.organization.pk),
    }
