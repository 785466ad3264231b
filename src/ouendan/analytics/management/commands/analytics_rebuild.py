"""``manage.py analytics_rebuild [--organization SLUG]``: the rollups again from raw events."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouendan.accounts.models import Organization
from ouendan.analytics.services.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Rebuild the analytics rollups from the raw events (shares, clicks, conversions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="Only this organization (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization with the slug {options['organization']!r}.")
        days = rollups_rebuild(organization=organization)
        self.stdout.write(f"Rebuilt {days} day(s) of rollups.")
