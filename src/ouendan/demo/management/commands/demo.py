"""``manage.py demo`` (what ``make demo`` runs): migrate, collect static files, seed the demo once,
print the sign-ins, then run web, worker and scheduler in the foreground until Ctrl-C."""

from __future__ import annotations

import unicodedata
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ouendan.core.management.commands.serve import web_address
from ouendan.demo.content import demo_feed_source_point
from ouendan.demo.data.organization import DEMO_PASSWORD
from ouendan.demo.services import demo_sign_ins


def _width(text: str) -> int:
    """Columns a string takes in a terminal: kanji and kana are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def sign_in_table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = "Run the demo: migrate, seed once, print the sign-ins, serve web + worker + scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare and print the sign-ins, then stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                _("The demo runs only in demo mode: set OUENDAN_DEMO=1 (make demo does).")
            )
        self.stdout.write(_("Preparing the database…"))
        database = settings.DATABASES["default"]
        if database["ENGINE"] == "django.db.backends.sqlite3":  # a fresh clone has no var/ yet
            Path(str(database["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("demo_seed", stdout=self.stdout, stderr=self.stderr)
        demo_feed_source_point(port=web_address()[1])
        self.print_sign_ins()
        if not options["no_serve"]:
            call_command("serve", "all", skip_collectstatic=True)

    def print_sign_ins(self) -> None:
        host, port = web_address()
        rows = [[_("E-mail"), _("Role"), _("full name"), _("department"), _("organization")]]
        rows += [
            [r.email, ", ".join(r.roles), r.full_name, r.department, r.organization]
            for r in demo_sign_ins()
        ]
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo sign-ins (password for all: %(password)s)") % {"password": DEMO_PASSWORD}
            )
        )
        for line in sign_in_table(rows):
            self.stdout.write("  " + line)
        self.stdout.write("")
        self.stdout.write(
            _("Open http://%(host)s:%(port)s/accounts/login/ and sign in.")
            % {"host": host, "port": port}
        )
        self.stdout.write("")
