"""Fetch the mailboxes now, without a worker: ``manage.py fetch_mail [address ...]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rathaus.mail import background
from rathaus.mail.models import Mailbox


class Command(BaseCommand):
    help = "Fetch new mail of the active mailboxes with an IMAP server (or of those named)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addresses", nargs="*", help="only these mailboxes")

    def handle(self, *args, addresses: list[str], **options) -> None:
        mailboxes = Mailbox.objects.select_related("office").filter(active=True)
        mailboxes = mailboxes.exclude(imap_host="")
        if addresses:
            mailboxes = mailboxes.filter(address__in=addresses)
            unknown = set(addresses) - {m.address for m in mailboxes}
            if unknown:
                raise CommandError(f"no active mailbox with IMAP: {', '.join(sorted(unknown))}")
        failed = []
        for mailbox in mailboxes:
            taken = background.fetch(mailbox)
            if mailbox.last_error:
                failed.append(mailbox.address)
                self.stderr.write(f"{mailbox.address}: {mailbox.last_error}")
            self.stdout.write(f"{mailbox.address}: {taken} new")
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
