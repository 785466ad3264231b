"""How a person appears where colleagues are ranked or named: by name, by nickname, or not at
all (their own choice; the organization sets the default)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import AppearAs, Membership
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import DomainError

NICKNAME_MAX = 40


@dataclass(frozen=True)
class Appearance:
    """``appear_as``: ``name``, ``nickname``, ``hidden``, or ``None`` to follow the
    organization's default."""

    appear_as: str | None
    nickname: str = ""


def appearance_set(*, actor: Actor, appearance: Appearance) -> Membership:
    """The actor's own choice. A nickname is required to appear by one; it must not be
    another colleague's nickname (two people would look like one)."""
    require(actor, Action.APPEARANCE_CHOOSE)
    if actor.membership is None:
        raise DomainError(_("Only a person can choose how they appear."), code="not_a_person")
    nickname = " ".join(appearance.nickname.split())
    fields: dict[str, list[str]] = {}
    if appearance.appear_as is not None and appearance.appear_as not in AppearAs.values:
        fields["appear_as"] = [_("Choose by name, by nickname or not at all.")]
    if len(nickname) > NICKNAME_MAX:
        fields["nickname"] = [_("At most %(max)d characters.") % {"max": NICKNAME_MAX}]
    organization = actor.organization
    effective = appearance.appear_as or organization.default_appear_as
    if effective == AppearAs.NICKNAME and not nickname:
        fields["nickname"] = [_("Enter the nickname colleagues will see.")]
    if fields:
        raise DomainError(_("Check how you want to appear."), fields=fields)
    with transaction.atomic():
        person = Membership.objects.select_for_update().get(pk=actor.membership.pk)
        taken = (
            nickname
            and Membership.objects.filter(organization=organization, nickname__iexact=nickname)
            .exclude(pk=person.pk)
            .exists()
        )
        if taken:
            raise DomainError(
                _("A colleague already uses that nickname."),
                code="nickname_taken",
                fields={"nickname": [_("Choose another nickname.")]},
            )
        before = {"appear_as": person.appear_as, "nickname": person.nickname}
        after = {"appear_as": appearance.appear_as, "nickname": nickname}
        if before != after:
            person.appear_as, person.nickname = appearance.appear_as, nickname
            person.save(update_fields=["appear_as", "nickname"])
            audit_record(actor=actor, action="person.appearance_changed", target=person, data=after)
    return person
