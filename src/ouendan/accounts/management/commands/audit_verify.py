"""``manage.py audit_verify [--organization SLUG]``: exit 1 and name the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouendan.accounts.audit import audit_chain_check
from ouendan.accounts.models import Organization


class Command(BaseCommand):
    help = "Verify every organization's hash-chained audit log and report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="only this organization (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = Organization.objects.order_by("pk")
        if options["organization"]:
            orgs = orgs.filter(slug=options["organization"])
            if not orgs.exists():
                raise CommandError(f"No organization with slug {options['organization']!r}.")
        broken = []
        for org in orgs:
            problem = audit_chain_check(org)
            if problem is None:
                self.stdout.write(f"{org.slug}: ok")
            else:
                broken.append(problem)
                self.stderr.write(f"BROKEN {problem}")
        if broken:
            raise CommandError(f"{len(broken)} organization(s) have a broken audit chain.")
