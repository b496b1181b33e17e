"""Background jobs: every minute each mailbox with an IMAP server is fetched, one job per
mailbox, so a slow server does not hold up the others."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def fetch_mailbox(mailbox_id: int) -> int:
    from rathaus.mail import imap
    from rathaus.mail.models import Mailbox

    mailbox = Mailbox.objects.select_related("office").filter(pk=mailbox_id, active=True).first()
    return imap.fetch(mailbox) if mailbox is not None else 0


@db_periodic_task(crontab(minute="*"))
def fetch_mail() -> None:
    from rathaus.mail.models import Mailbox

    fetching = Mailbox.objects.filter(active=True).exclude(imap_host="")
    for pk in fetching.values_list("pk", flat=True):
        fetch_mailbox(pk)
