"""``manage.py encryption_rotate``: re-encrypt every secret at rest with the newest key.

Rotation: put a new Fernet key first in ``OUENDAN_ENCRYPTION_KEYS`` (old keys after it still
decrypt), restart, run this command, then drop the old keys. It finds every
``EncryptedTextField`` of every model itself, rewrites each value in batches (one transaction
per batch), and stops at the first value none of the keys can decrypt.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ouendan.accounts.crypto import EncryptedTextField, reencrypt

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every secret stored encrypted with the newest OUENDAN_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            count = self._rotate(model, fields, dry_run=dry_run)
            total += count
            label = f"{model._meta.label}: {', '.join(fields)}"
            self.stdout.write(f"{label}: {count} value(s){' (dry run)' if dry_run else ''}")
        if dry_run:
            self.stdout.write(f"{total} value(s) would be re-encrypted (dry run: nothing changed).")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{total} value(s) re-encrypted with the newest key.")
            )

    def _rotate(self, model: Any, fields: list[str], *, dry_run: bool) -> int:
        count = 0
        last = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH]
            )
            if not rows:
                return count
            with transaction.atomic():
                for pk, *values in rows:
                    changes = {}
                    for name, value in zip(fields, values, strict=True):
                        if not value:
                            continue
                        try:
                            changes[name] = reencrypt(value)
                        except ValueError as exc:
                            raise CommandError(
                                f"{model._meta.label} #{pk}.{name} cannot be decrypted with the "
                                "configured keys: nothing after it was changed."
                            ) from exc
                    if changes:
                        count += len(changes)
                        if not dry_run:
                            model.objects.filter(pk=pk).update(**changes)
            last = rows[-1][0]
