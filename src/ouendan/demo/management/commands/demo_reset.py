"""``manage.py demo_reset --yes``: delete the demo's SQLite database; the next demo starts over."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ouendan.core.errors import DomainError
from ouendan.demo.services import demo_database_reset


class Command(BaseCommand):
    help = "Delete the SQLite database under var/ so that the next `make demo` starts afresh."
    requires_system_checks: list[str] = []  # it deletes files; the project's checks do not matter

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--yes", action="store_true", help="Do it: nothing is asked.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also delete an SQLite database that is not under var/.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                _("This deletes every piece of data in the database. Run it with --yes.")
            )
        try:
            deleted = demo_database_reset(force=options["force"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not deleted:
            self.stdout.write(_("There was no database to delete."))
        for path in deleted:
            self.stdout.write(_("Deleted %(path)s") % {"path": path})
