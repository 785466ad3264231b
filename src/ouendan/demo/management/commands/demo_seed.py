"""``manage.py demo_seed``: create the demo organizations unless they exist (demo mode only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ouendan.core.errors import DomainError
from ouendan.demo.services import demo_seed


class Command(BaseCommand):
    help = "Create the demo organizations (株式会社みらい製作所 and 株式会社アザー商事) once."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = demo_seed()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for result in results:
            org = result.organization
            if result.created:
                self.stdout.write(
                    _(
                        "Created %(name)s (%(slug)s): %(people)s people, %(advocates)s advocates,"
                        " in %(seconds).1f s."
                    )
                    % {
                        "name": org.name,
                        "slug": org.slug,
                        "people": f"{result.people:,}",
                        "advocates": f"{result.advocates:,}",
                        "seconds": result.seconds,
                    }
                )
            else:
                self.stdout.write(
                    _("%(name)s (%(slug)s) already exists: its data is kept as it is.")
                    % {"name": org.name, "slug": org.slug}
                )
