"""``manage.py compliance_scan --org SLUG [--network N] [--promotional]``: scan the text read on
standard input against the organization's rules and print the same JSON the API answers."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ouendan.accounts.models import Organization
from ouendan.governance.api.compliance import scan_out
from ouendan.governance.compliance import ScanRequest, compliance_scan
from ouendan.governance.selectors import compliance_policy
from ouendan.networks import Network


class Command(BaseCommand):
    help = "Scan standard input with an organization's compliance rules; print JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--network", choices=[n.value for n in Network])
        parser.add_argument("--promotional", action="store_true")
        parser.add_argument("--language", choices=["ja", "en"], help="Of the messages.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {options['org']!r}.")
        text = sys.stdin.read()
        language = options["language"] or organization.locale
        with translation.override(language):
            result = compliance_scan(
                ScanRequest(
                    text=text.removesuffix("\n"),
                    network=Network(options["network"]) if options["network"] else None,
                    promotional=options["promotional"],
                    policy=compliance_policy(organization),
                )
            )
            self.stdout.write(json.dumps(scan_out(result), ensure_ascii=False))
