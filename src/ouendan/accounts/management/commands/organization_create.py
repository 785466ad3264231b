"""``manage.py organization_create``: a new organization and an invitation for its first admin."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from ouendan.accounts.services.invitations import invitation_accept_url
from ouendan.accounts.services.organizations import organization_create
from ouendan.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create an organization and invite its first organization admin by e-mail; "
        "the single-use invitation link is also printed here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="e.g. 株式会社みらい製作所")
        parser.add_argument("--slug", required=True, help="short id in URLs, e.g. mirai")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--locale", default="ja", choices=["ja", "en"])
        parser.add_argument("--time-zone", default="Asia/Tokyo")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["locale"]):
            try:
                org, invitation, token = organization_create(
                    name=options["name"],
                    slug=options["slug"],
                    admin_email=options["admin_email"],
                    admin_name=options["admin_name"],
                    locale=options["locale"],
                    time_zone=options["time_zone"],
                    operator="manage.py organization_create",
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                _("Created %(name)s (%(slug)s).") % {"name": org.name, "slug": org.slug}
            )
            self.stdout.write(
                _("An invitation was e-mailed to %(email)s; it expires at %(expires)s.")
                % {"email": invitation.email, "expires": invitation.expires_at.isoformat()}
            )
            self.stdout.write(_("The invitation link (single use):"))
            self.stdout.write(invitation_accept_url(token))
