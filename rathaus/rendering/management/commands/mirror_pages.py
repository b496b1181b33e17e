"""Keep a folder of files equal to the rendered public pages, for nginx (rendering.mirror)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from rathaus.lib.public_files import readable_by_all
from rathaus.rendering.mirror import Mirror


class Command(BaseCommand):
    help = "Write the rendered public pages into a folder and keep it up to date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--into", type=Path, default=None, help="default: RENDERED_ROOT")
        parser.add_argument("--once", action="store_true", help="bring it up to date, then stop")
        parser.add_argument("--interval", type=float, default=None)

    def handle(self, *args, into: Path | None, once: bool, interval: float | None, **opts):
        root = (into or settings.RENDERED_ROOT).resolve()
        # nginx reads the folder as its own user (lib.public_files).
        with readable_by_all():
            root.mkdir(parents=True, exist_ok=True)
            mirror = Mirror(root)
            done = mirror.sync()
            self.stdout.write(f"{done} files written or removed in {root}")
            if not once:
                mirror.follow(interval or settings.RENDERED_REFRESH_SECONDS)
