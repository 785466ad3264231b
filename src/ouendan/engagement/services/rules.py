"""The point rules: each change a new version, applying from then on; which version judges an
event (the one in force when it happened)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError
from ouendan.engagement.models import PointRules

POINTS_MAX = 10_000
NOTE_MAX = 300
KEY_MAX = 40

# Field → (lowest, highest) accepted.
LIMITS: dict[str, tuple[int, int]] = {
    "share_points": (0, POINTS_MAX),
    "click_points": (0, POINTS_MAX),
    "click_cap": (0, POINTS_MAX),
    "suggestion_points": (0, POINTS_MAX),
    "training_points": (0, POINTS_MAX),
    "streak_points": (0, POINTS_MAX),
    "streak_weeks": (1, 12),
    "streak_window": (1, 12),
    "hold_hours": (0, 24 * 30),
    "burst_clicks": (2, 10_000),
    "burst_minutes": (1, 24 * 60),
    "repeat_clicks": (2, 10_000),
}


@dataclass(frozen=True)
class RulesData:
    """Everything a version of the rules says (see ``PointRules`` for each field)."""

    share_points: int
    click_points: int
    click_cap: int
    suggestion_points: int
    training_points: int
    streak_points: int
    streak_weeks: int
    streak_window: int
    hold_hours: int
    burst_clicks: int
    burst_minutes: int
    repeat_clicks: int
    conversion_points: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(cls, rules: PointRules) -> RulesData:
        values = {f.name: getattr(rules, f.name) for f in fields(cls)}
        values["conversion_points"] = dict(rules.conversion_points or {})
        return cls(**values)


def point_rules_ensure(organization: Organization) -> PointRules:
    """The organization's rules, making the first version (the defaults, in force since the
    organization began) if there is none yet."""
    latest = PointRules.objects.filter(organization=organization).order_by("-version").first()
    if latest is not None:
        return latest
    try:
        with transaction.atomic():
            return PointRules.objects.create(
                organization=organization, version=1, effective_from=organization.created_at
            )
    except IntegrityError:  # made by a concurrent writer a moment ago
        return PointRules.objects.get(organization=organization, version=1)


def _validate(data: RulesData) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name, (low, high) in LIMITS.items():
        value = getattr(data, name)
        if not isinstance(value, int) or not low <= value <= high:
            problems[name] = [
                _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
            ]
    both = "streak_weeks" not in problems and "streak_window" not in problems
    if both and data.streak_weeks > data.streak_window:
        problems["streak_weeks"] = [_("Cannot be more than the weeks looked at.")]
    for key, points in data.conversion_points.items():
        if not key or len(key) > KEY_MAX:
            problems["conversion_points"] = [_("Conversion types are named by their key.")]
        elif not isinstance(points, int) or not 0 <= points <= POINTS_MAX:
            problems["conversion_points"] = [
                _("Points for “%(key)s”: a whole number from 0 to %(high)d.")
                % {"key": key, "high": POINTS_MAX}
            ]
    if len(data.note) > NOTE_MAX:
        problems["note"] = [_("At most %(max)d characters.") % {"max": NOTE_MAX}]
    return problems


def point_rules_update(*, actor: Actor, data: RulesData) -> PointRules:
    """Save the rules as a new version, in force from now on: what happened before keeps the
    points the earlier version gave."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    if problems := _validate(data):
        raise DomainError(_("Check the highlighted rules."), fields=problems)
    conversions = {k: v for k, v in sorted(data.conversion_points.items()) if v > 0}
    values = {f.name: getattr(data, f.name) for f in fields(RulesData)}
    values.update(conversion_points=conversions, note=data.note.strip())
    point_rules_ensure(actor.organization)
    try:
        with transaction.atomic():
            latest = (
                PointRules.objects.select_for_update()
                .filter(organization=actor.organization)
                .order_by("-version")
                .first()
            )
            assert latest is not None
            before = RulesData.of(latest)
            rules = PointRules.objects.create(
                organization=actor.organization,
                version=latest.version + 1,
                effective_from=timezone.now(),
                created_by=actor.membership,
                **values,
            )
            changed = {
                name: {"from": getattr(before, name), "to": values[name]}
                for name in values
                if name != "note" and getattr(before, name) != values[name]
            }
            audit_record(
                actor=actor,
                action="points.rules_updated",
                target=rules,
                data={"version": rules.version, "changed": changed, "note": rules.note},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Someone else saved the rules at the same moment. Reload and try again."),
            code="rules_changed",
        ) from exc
    return rules


class RuleBook:
    """An organization's versions, to find the one in force at any moment."""

    def __init__(self, versions: list[PointRules]) -> None:
        self.versions = sorted(versions, key=lambda r: (r.effective_from, r.version))
        self._starts = [r.effective_from for r in self.versions]

    def at(self, moment: datetime) -> PointRules:
        """The version in force at ``moment`` (the first version before it began)."""
        index = bisect.bisect_right(self._starts, moment) - 1
        return self.versions[max(index, 0)]

    @property
    def current(self) -> PointRules:
        return self.versions[-1]


class RuleBooks:
    """Each organization's ``RuleBook``, loaded once per run of the awarding job."""

    def __init__(self) -> None:
        self._books: dict[int, RuleBook] = {}

    def of(self, organization_id: int) -> RuleBook:
        if organization_id not in self._books:
            organization = Organization.objects.get(pk=organization_id)
            point_rules_ensure(organization)
            versions = list(PointRules.objects.filter(organization=organization))
            for version in versions:
                version.organization = organization
            self._books[organization_id] = RuleBook(versions)
        return self._books[organization_id]
