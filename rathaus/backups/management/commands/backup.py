"""manage.py backup <archive.tar>: database, uploads, rendered pages and keys in one file.

Runs beside the web server and the worker: the database copy is one consistent moment
(SQLite's backup API, pg_dump's snapshot). See README, "Backup and restore"."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rathaus.backups.operations import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Back up the database, uploads, rendered pages and the keys into one tar file "
        "(gzipped if the name ends in .gz). The file holds the keys: keep it like them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="The tar file to write (replaced).")
        parser.add_argument(
            "--without-keys",
            action="store_true",
            help="Leave the keys out (for copies kept elsewhere); restoring then needs them "
            "in the environment.",
        )

    def handle(self, *args, archive: Path, without_keys: bool, **options) -> None:
        try:
            report = back_up(archive, with_keys=not without_keys)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("\n".join(report))
