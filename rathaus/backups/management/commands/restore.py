"""manage.py restore <archive.tar>: an archive of ``manage.py backup`` into this
installation, which must be new: an empty database (not migrated) and no uploads.

Stop the web server and the worker first. See README, "Backup and restore"."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rathaus.backups.operations import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into this installation's (empty) database and data dir."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="A tar file made by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what the database holds (every table is dropped) and restore "
            "the uploads over the ones there.",
        )

    def handle(self, *args, archive: Path, force: bool, **options) -> None:
        try:
            report = restore(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("\n".join(report))
