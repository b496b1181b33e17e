"""Data-subject requests from the command line:

    manage.py citizen_data export --office mitte --email anna@example.org [--as otto]
    manage.py citizen_data erase --office mitte --handle @anna@social.example [--as otto]

``export`` prints everything the office holds about the citizen as JSON, ``erase`` removes
it and prints the counts. With ``--as`` the step runs as that office admin (and is refused
to anyone else); without it, as the operator, and the audit log says so by naming nobody.
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rathaus.citizen_data import subject_requests
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Office


class Command(BaseCommand):
    help = "Export or erase everything one office holds about one citizen."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", metavar="subcommand", required=True)
        for name, text in [
            ("export", "Print the citizen's data as JSON."),
            ("erase", "Erase the citizen's data and print what was erased."),
        ]:
            command = commands.add_parser(name, help=text)
            command.add_argument("--office", required=True, metavar="SLUG")
            who = command.add_mutually_exclusive_group(required=True)
            who.add_argument("--email", default="", metavar="ADDRESS")
            who.add_argument("--handle", default="", metavar="@NAME@HOST")
            command.add_argument("--as", dest="as_user", default="", metavar="USERNAME")

    def handle(self, *args, subcommand: str, **options) -> None:
        office = Office.objects.filter(slug=options["office"]).first()
        if office is None:
            raise CommandError(f"No office with the slug {options['office']!r}.")
        by = None
        if options["as_user"]:
            by = get_user_model().objects.filter(username=options["as_user"]).first()
            if by is None:
                raise CommandError(f"No user {options['as_user']!r}.")
        step = subject_requests.export if subcommand == "export" else subject_requests.erase
        try:
            result = step(office, email=options["email"], handle=options["handle"], by=by)
        except LifecycleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
