"""``manage.py two_factor_reset``: the operator's way out when an organization's only admin has
lost both their authenticator and their recovery codes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import system_actor
from ouendan.accounts.services.security import two_factor_reset
from ouendan.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Reset a person's two-factor authentication (audited, signs them out everywhere). "
        "Use it only after confirming who is asking, outside e-mail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="the organization's slug")
        parser.add_argument("--email", required=True, help="the person's sign-in e-mail")
        parser.add_argument("--reason", required=True, help="kept in the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = (
            Membership.objects.select_related("organization")
            .filter(
                organization__slug=options["organization"],
                user__email__iexact=options["email"].strip(),
            )
            .first()
        )
        if membership is None:
            raise CommandError(
                f"No one with the e-mail {options['email']!r} in {options['organization']!r}."
            )
        actor = system_actor(membership.organization, label="manage.py two_factor_reset")
        try:
            two_factor_reset(actor=actor, membership_id=membership.pk, reason=options["reason"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Two-factor authentication of {options['email']} was reset; they were signed out "
            "everywhere and set it up again at their next sign-in."
        )
