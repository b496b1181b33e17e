"""Fetching mailboxes on the job engine: every active mailbox with an IMAP server is
recurring work of the kind ``mail.fetch`` (its row is the mailbox, ``PolledMailbox``).

A claim gives one worker the mailbox's lease, so two processes never fetch the same
mailbox at once; a worker that dies frees it when the lease runs out. One mailbox per
claim: a slow server holds up one run, and the other workers take the other mailboxes.
The outcome – when it was checked, and the problem if there was one – is kept on the
mailbox, where the admin sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.utils import timezone

from rathaus.jobs import engine, runner
from rathaus.mail import imap
from rathaus.mail.models import Mailbox, PolledMailbox

# The engine's tick comes every minute; a mailbox is due again a little earlier, so that
# every tick fetches it (one whose fetch took longer than the margin waits a tick more).
EVERY = timedelta(seconds=50)


def handle(mailboxes: list[PolledMailbox]) -> Iterator[engine.Outcome]:
    for mailbox in mailboxes:
        taken, error = imap.poll(mailbox)
        checked = {"last_checked_at": timezone.now(), "result": taken}
        if error:
            yield engine.retry(mailbox, error, **checked)
        else:
            yield engine.done(mailbox, **checked)


FETCH = engine.register(
    engine.Kind(
        "mail.fetch",
        model=PolledMailbox,
        policy=engine.polling(EVERY),
        handle=handle,
        select_related=("office",),
    )
)


def fetch(mailbox: Mailbox) -> int:
    """Fetch one mailbox now (``manage.py fetch_mail``, tests) under the engine's lease;
    returns how many messages were taken over, 0 if another worker is fetching it. The
    outcome is on ``mailbox`` afterwards (``last_error``, ``last_checked_at``)."""
    if not mailbox.fetches or not mailbox.active:
        return 0
    engine.sweep(FETCH)  # a lease a dead worker left is free again
    PolledMailbox.objects.filter(pk=mailbox.pk, status=Mailbox.Status.QUEUED).update(
        next_attempt_at=timezone.now()
    )
    outcomes = runner.run(FETCH, ids=[mailbox.pk])
    mailbox.refresh_from_db()
    return outcomes[0].result if outcomes else 0
