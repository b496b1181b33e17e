"""``manage.py oparl_import --office SLUG [SYSTEM_URL] [--body ID]``: link the office to an
OParl system (when a URL is given) and import its council data now, with the counts on
the terminal as they grow."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from rathaus.council import background
from rathaus.council.importing import Figures, import_council
from rathaus.council.models import CouncilSource
from rathaus.lib.netguard import Refused
from rathaus.lib.oparl import FetchError
from rathaus.lib.weburls import is_web_url
from rathaus.offices.models import Office


class Command(BaseCommand):
    help = "Import an office's council data (meetings, papers, people) from its OParl server."

    def add_arguments(self, parser) -> None:
        parser.add_argument("system_url", nargs="?", help="the OParl System URL (links it)")
        parser.add_argument("--office", required=True, help="the office's slug")
        parser.add_argument("--body", default="", help="the Body's id, if the system has several")

    def handle(self, *args, system_url: str | None, office: str, body: str, **options) -> None:
        found = Office.objects.filter(slug=office).first()
        if found is None:
            raise CommandError(f"no office {office!r}")
        if system_url:
            if not is_web_url(system_url) or (body and not is_web_url(body)):
                raise CommandError("the System URL and the body id must be http(s) addresses")
            with transaction.atomic():
                source, _made = CouncilSource.objects.update_or_create(
                    office=found, defaults={"system_url": system_url, "body_id": body}
                )
                # This command imports now; the worker takes over in an hour.
                background.schedule(source, at=timezone.now() + background.IMPORT_EVERY)
        else:
            source = CouncilSource.objects.filter(office=found).first()
            if source is None:
                raise CommandError(f"{office} has no OParl system yet: give its URL")
        try:
            figures = import_council(source, progress=self._progress)
        except FetchError as error:
            raise CommandError(f"{error.url}: {error.reason}") from None
        except Refused as error:
            raise CommandError(f"{source.system_url}: refused ({error})") from None
        self.stdout.write(self._line(figures))
        for list_url, reason in figures.failed_lists.items():
            self.stderr.write(f"given up: {list_url} ({reason}); the next run reads it again")
        for kind, count in sorted(figures.repairs.items()):
            self.stdout.write(f"repaired: {kind} × {count}")

    def _progress(self, figures: Figures) -> None:
        self.stderr.write(self._line(figures), ending="\r")

    @staticmethod
    def _line(figures: Figures) -> str:
        return (
            f"read {figures.read}: {figures.created} new, {figures.changed} changed, "
            f"{figures.unchanged} unchanged, {figures.deleted} deleted"
            + (f" in {figures.seconds:.1f} s" if figures.seconds else "")
        )
