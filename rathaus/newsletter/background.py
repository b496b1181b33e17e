"""Sending a mailing on the job engine: the kind ``newsletter.send`` works the Send rows,
one mail per row, at most once.

Each row is claimed on its own just before its mail goes out, and what became of it is
recorded right after; a worker that dies leaves at most that one row claimed. When its
lease runs out the sweep fails it instead of sending it again (the mail may have left):
nobody gets a newsletter twice.

``mailings.queue`` wakes one run per batch of NEWSLETTER_BATCH_SIZE rows (their ids), so
the batches of a mailing go out side by side on the worker threads, each mail after the
other over one SMTP connection, as before. The engine's tick takes whatever is due and
was not handed out: a lost wake-up, a recipient put off.

A mail server that cannot be reached, or that puts a recipient off (4xx), puts the row
back in the queue for RETRY_SECONDS (and, when the server itself is in trouble, the rest
of its batch with it); after MAX_ATTEMPTS the row fails. A recipient the server refuses
for good (5xx) counts as a hard bounce. A mail that cannot be made at all (a header
Django refuses, a template that fails) would fail the same way for every recipient, so
the mailing stops: its queued rows fail with the message, which the desk shows.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.core.mail import get_connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.jobs import engine, runner
from rathaus.newsletter import bounces, composing
from rathaus.newsletter.models import Mailing, NewsletterSettings, Send, Subscriber

log = logging.getLogger(__name__)
TIMEOUT = 30  # seconds; Django's SMTP backend would otherwise wait for ever
RETRY_SECONDS = 300
MAX_ATTEMPTS = 5


class _ServerTrouble(Exception):
    """The mail server cannot take mail now: the batch waits, this run stops."""


class _Run:
    """One worker's run: one SMTP connection for all its mails, each mailing's settings
    read once. ``afterwards`` holds what must wait until a row's outcome is recorded."""

    def __init__(self) -> None:
        self.connection = None
        self.senders: dict[int, tuple[NewsletterSettings, tuple] | None] = {}
        self.afterwards: list[Callable[[], None]] = []
        self.put_off: list[int] = []  # rows that wait for RETRY_SECONDS

    def sender(self, mailing: Mailing) -> tuple[NewsletterSettings, tuple] | None:
        if mailing.pk not in self.senders:
            newsletter = NewsletterSettings.objects.filter(office_id=mailing.office_id).first()
            if newsletter is not None:
                newsletter.office = mailing.office
            found = (newsletter, composing.sender(newsletter)) if newsletter else None
            self.senders[mailing.pk] = found
        return self.senders[mailing.pk]

    def open(self):
        if self.connection is None:
            connection = get_connection(timeout=TIMEOUT)
            connection.open()
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None

    def mail(self, send: Send) -> engine.Outcome:
        """Send one claimed row; raises _ServerTrouble (with the row's outcome) when the
        batch must wait."""
        mailing = send.mailing
        found = self.sender(mailing)
        if not mailing.post.is_public or found is None:
            reason = _("The post was withdrawn, or the newsletter removed.")
            self.afterwards.append(lambda: _end(mailing, Send.Status.CANCELLED, reason))
            return engine.fail(send, reason, Send.Status.CANCELLED)
        newsletter, from_ = found
        subscriber = send.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
            return engine.fail(send, _("Unsubscribed before it was sent."), Send.Status.CANCELLED)
        subscriber.office = mailing.office  # the same office: spares a query per mail
        try:
            connection = self.open()
        except (smtplib.SMTPException, OSError) as error:
            # Nothing was tried for this recipient: the attempt is given back.
            send.attempts -= 1
            outcome = _put_off(send, str(error) or type(error).__name__, attempts=send.attempts)
            raise _ServerTrouble(outcome) from error
        try:
            composing.issue(mailing, send, newsletter, connection, from_).send()
        except smtplib.SMTPRecipientsRefused as error:
            reason = _refusal(error)
            if all(code >= 500 for code, _text in error.recipients.values()):
                self.afterwards.append(lambda: bounces.record(send, subscriber, Send.Bounce.HARD))
                return engine.fail(send, reason)
            return _put_off(send, reason)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise _ServerTrouble(_put_off(send, str(error) or type(error).__name__)) from error
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"
            log.error("newsletter %s stopped: %s", mailing.pk, reason, exc_info=error)
            self.afterwards.append(lambda: _end(mailing, Send.Status.FAILED, reason, stop=True))
            return engine.fail(send, reason)
        return engine.done(send, Send.Status.SENT, sent_at=timezone.now())


def _put_off(send: Send, reason: str, **fields) -> engine.Outcome:
    return engine.retry(send, reason, retry_after=RETRY_SECONDS, **fields)


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    # The server's words without the address: the row outlives the subscriber.
    parts = []
    for code, text in error.recipients.values():
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{code} {text}")
    return "; ".join(parts)


def _end(mailing: Mailing, status: str, reason: str, *, stop: bool = False) -> None:
    """The mailing's queued rows go nowhere: withdrawn (cancelled), or the mail cannot be
    made (failed, and the mailing says why on the desk)."""
    if stop:
        Mailing.objects.filter(pk=mailing.pk).update(error=reason[:300])
    Send.objects.filter(mailing=mailing, status=Send.Status.QUEUED).update(
        status=status, last_error=reason
    )


def _wait(send: Send) -> list[int]:
    """The server is in trouble: the rest of the row's batch waits with it. Returns the
    rows that wait."""
    later = timezone.now() + timedelta(seconds=RETRY_SECONDS)
    batch = Send.objects.filter(mailing_id=send.mailing_id, batch=send.batch)
    waiting = batch.filter(status=Send.Status.QUEUED, next_attempt_at__lt=later)
    pks = list(waiting.values_list("pk", flat=True))
    Send.objects.filter(pk__in=pks, status=Send.Status.QUEUED).update(next_attempt_at=later)
    return pks


def _claimed(token: str, ids: Iterable[int] | None, deadline: float) -> Iterator[Send]:
    """Rows one at a time, each claimed as its turn comes: those of ``ids`` (a batch) in
    their order, or whatever is due until the budget is spent."""
    if ids is not None:
        for pk in ids:
            yield from engine.claim(SEND, ids=[pk], token=token)
        return
    while time.monotonic() < deadline and (rows := engine.claim(SEND, token=token)):
        yield from rows


def send(ids: Iterable[int] | None = None, budget: float | None = None) -> int:
    """Mail the rows of ``ids`` (a batch), or what is due; returns how many mails went out."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + (SEND.policy.budget if budget is None else budget)
    run = _Run()
    sent = 0
    try:
        for row in _claimed(token, ids, deadline):
            trouble = None
            try:
                outcome = run.mail(row)
            except _ServerTrouble as error:
                trouble, outcome = error, error.args[0]
            engine.settle(SEND, [outcome])
            sent += outcome.final == Send.Status.SENT
            if outcome.final == Send.Status.QUEUED:
                run.put_off.append(row.pk)
            for step in run.afterwards:
                step()
            run.afterwards.clear()
            if trouble is not None:
                log.warning("newsletter %s: mail server: %s", row.mailing_id, outcome.error)
                run.put_off += _wait(row)
                break
    finally:
        run.close()
        if run.put_off:  # the doorbell for the retry; without it the tick comes a minute later
            later = timezone.now() + timedelta(seconds=RETRY_SECONDS + 1)
            runner.wake(SEND, ids=sorted(set(run.put_off)), at=later)
    return sent


SEND = engine.register(
    engine.Kind(
        "newsletter.send",
        model=Send,
        policy=engine.Policy(
            max_attempts=MAX_ATTEMPTS,
            backoff=engine.fixed(RETRY_SECONDS),
            # Longer than one mail can take (connecting and sending, 30 s each at most).
            lease=timedelta(minutes=15),
            # At most once: a row claimed by a worker that died may have been mailed.
            on_expiry=engine.FAIL,
            expiry_message=gettext_lazy(
                "The worker stopped while sending; not sent again, so nobody gets it twice."
            ),
            # One row per claim, just before its mail: a dead worker leaves one row behind.
            batch=1,
        ),
        stream=send,
        select_related=("subscriber", "mailing__office", "mailing__post"),
    )
)
