"""Sending a mailing on the job engine: the kind ``newsletter.send`` works the Send rows,
one mail per row, at most once.

A worker claims a few rows at a time (``CHUNK``). Just before a row's mail goes to the
mail server it is marked as handed over (``handed_over_at``), on the condition that the
worker still holds it, and what became of it is recorded right after. A worker that dies
leaves its claimed rows to the sweep, which puts them back in the queue once the lease runs
out: those it never reached are sent by the next worker, the one it had handed over fails
instead of going again (its mail may have left). Nobody gets a newsletter twice, and nobody
misses it because a neighbour's worker died.

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
from collections.abc import Iterable, Iterator
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
# Rows per claim: a claim costs three statements, so one per mail would halve the rate.
CHUNK = 20
MAY_HAVE_GONE = gettext_lazy(
    "The worker stopped while sending; not sent again, so nobody gets it twice."
)


class _ServerTrouble(Exception):
    """The mail server cannot take mail now: the batch waits, this run stops."""


class _Run:
    """One worker's run: one SMTP connection for all its mails; each mailing, its post's
    state and its settings read once (a run is one batch, as the batch task was before)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.connection = None
        self.mailings: dict[int, tuple[Mailing, NewsletterSettings | None, tuple]] = {}
        self.stopped: dict[int, tuple[str, str]] = {}  # mailing → (status, reason)
        self.put_off: list[int] = []  # rows that wait for RETRY_SECONDS

    def mailing(self, mailing_id: int) -> tuple[Mailing, NewsletterSettings | None, tuple]:
        if mailing_id not in self.mailings:
            mailing = Mailing.objects.select_related("office", "post").get(pk=mailing_id)
            newsletter = NewsletterSettings.objects.filter(office_id=mailing.office_id).first()
            if newsletter is not None:
                newsletter.office = mailing.office
            from_ = composing.sender(newsletter) if newsletter else ()
            self.mailings[mailing_id] = (mailing, newsletter, from_)
        return self.mailings[mailing_id]

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

    def stop(self, mailing: Mailing, status: str, reason: str) -> None:
        """The mailing's queued rows go nowhere: withdrawn (cancelled), or the mail cannot
        be made (failed, and the mailing says why on the desk)."""
        if mailing.pk not in self.stopped:
            self.stopped[mailing.pk] = (status, reason)
            if status == Send.Status.FAILED:
                Mailing.objects.filter(pk=mailing.pk).update(error=reason[:300])
            Send.objects.filter(mailing=mailing, status=Send.Status.QUEUED).update(
                status=status, last_error=reason
            )

    def handed_over(self, send: Send) -> bool:
        """Mark the row as handed to the mail server, if this run still holds it."""
        now = timezone.now()
        mine = Send.objects.filter(pk=send.pk, lease_token=self.token, status=Send.Status.RUNNING)
        return bool(mine.update(handed_over_at=now))

    def mail(self, send: Send) -> engine.Outcome | None:
        """Send one claimed row; None if it is no longer this run's. Raises _ServerTrouble
        (with the row's outcome) when the batch must wait."""
        if send.handed_over_at:  # a worker died after handing it to the mail server
            return engine.fail(send, str(MAY_HAVE_GONE))
        mailing, newsletter, from_ = self.mailing(send.mailing_id)
        if mailing.pk not in self.stopped and (not mailing.post.is_public or newsletter is None):
            reason = _("The post was withdrawn, or the newsletter removed.")
            self.stop(mailing, Send.Status.CANCELLED, reason)
        if mailing.pk in self.stopped:
            status, reason = self.stopped[mailing.pk]
            return engine.fail(send, reason, status)
        subscriber = send.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
            return engine.fail(send, _("Unsubscribed before it was sent."), Send.Status.CANCELLED)
        subscriber.office = mailing.office  # the same office: spares a query per mail
        try:
            connection = self.open()
        except (smtplib.SMTPException, OSError) as error:
            raise _ServerTrouble(_given_back(send, str(error) or type(error).__name__)) from error
        if not self.handed_over(send):
            return None
        try:
            composing.issue(mailing, send, newsletter, connection, from_).send()
        except smtplib.SMTPRecipientsRefused as error:
            reason = _refusal(error)
            if all(code >= 500 for code, _text in error.recipients.values()):
                bounces.record(send, subscriber, Send.Bounce.HARD)
                return engine.fail(send, reason)
            return _put_off(send, reason)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise _ServerTrouble(_put_off(send, str(error) or type(error).__name__)) from error
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"
            log.error("newsletter %s stopped: %s", mailing.pk, reason, exc_info=error)
            self.stop(mailing, Send.Status.FAILED, reason)
            return engine.fail(send, reason)
        return engine.done(send, Send.Status.SENT, sent_at=timezone.now())


def _put_off(send: Send, reason: str, **fields) -> engine.Outcome:
    # The mail server said no, and so it did not take it: the next attempt may hand it over.
    return engine.retry(send, reason, retry_after=RETRY_SECONDS, handed_over_at=None, **fields)


def _given_back(send: Send, reason: str) -> engine.Outcome:
    """Back in the queue without counting an attempt: nothing was tried for this mail."""
    send.attempts -= 1
    return _put_off(send, reason, attempts=send.attempts)


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    # The server's words without the address: the row outlives the subscriber.
    parts = []
    for code, text in error.recipients.values():
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        parts.append(f"{code} {text}")
    return "; ".join(parts)


def _wait(send: Send) -> list[int]:
    """The server is in trouble: the rest of the row's batch waits with it. Returns the
    rows that wait."""
    later = timezone.now() + timedelta(seconds=RETRY_SECONDS)
    batch = Send.objects.filter(mailing_id=send.mailing_id, batch=send.batch)
    waiting = batch.filter(status=Send.Status.QUEUED, next_attempt_at__lt=later)
    pks = list(waiting.values_list("pk", flat=True))
    Send.objects.filter(pk__in=pks, status=Send.Status.QUEUED).update(next_attempt_at=later)
    return pks


def _chunks(token: str, ids: Iterable[int] | None, deadline: float) -> Iterator[list[Send]]:
    """Claimed rows, CHUNK at a time: those of ``ids`` (a batch) in their order, or
    whatever is due until the budget is spent."""
    if ids is not None:
        ids = list(ids)
        for start in range(0, len(ids), CHUNK):
            if rows := engine.claim(SEND, ids=ids[start : start + CHUNK], token=token):
                yield rows
        return
    while time.monotonic() < deadline and (rows := engine.claim(SEND, token=token)):
        yield rows


def _settle(run: _Run, outcomes: list[engine.Outcome]) -> int:
    """Record a chunk's outcomes in one statement; returns the mails sent."""
    engine.settle(SEND, outcomes)
    run.put_off += [o.row.pk for o in outcomes if o.final == Send.Status.QUEUED]
    sent = sum(o.final == Send.Status.SENT for o in outcomes)
    outcomes.clear()
    return sent


def send(ids: Iterable[int] | None = None, budget: float | None = None) -> int:
    """Mail the rows of ``ids`` (a batch), or what is due; returns how many mails went out.

    Outcomes are recorded a chunk at a time: the mark made before each mail already keeps
    it from going twice (a worker that dies leaves its sent rows failed, never resent)."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + (SEND.policy.budget if budget is None else budget)
    run = _Run(token)
    sent = 0
    outcomes: list[engine.Outcome] = []
    renewed = time.monotonic()
    trouble = None
    try:
        for rows in _chunks(token, ids, deadline):
            for index, row in enumerate(rows):
                if time.monotonic() - renewed > SEND.policy.lease.total_seconds() / 3:
                    engine.renew(SEND, token)  # a slow mail server: the chunk stays ours
                    renewed = time.monotonic()
                try:
                    outcome = run.mail(row)
                except _ServerTrouble as error:
                    trouble = outcome = error.args[0]
                    log.warning("newsletter %s: mail server: %s", row.mailing_id, outcome.error)
                    rest = [_given_back(other, outcome.error) for other in rows[index + 1 :]]
                    outcomes += [outcome, *rest]
                    run.put_off += _wait(row)
                    break
                if outcome is not None:
                    outcomes.append(outcome)
            sent += _settle(run, outcomes)
            if trouble is not None:
                break
    finally:
        if outcomes:  # what was done before an unforeseen error is recorded all the same
            _settle(run, outcomes)
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
            # Longer than a chunk's mails can take (connecting and sending, 30 s at most).
            lease=timedelta(minutes=15),
            # Back in the queue: rows never handed over go out, the one that was fails (mail).
            on_expiry=engine.REQUEUE,
            expiry_message=MAY_HAVE_GONE,
            batch=CHUNK,
        ),
        stream=send,
        # The mailing and its post are read once per run (``_Run.mailing``), not per row.
        select_related=("subscriber",),
    )
)
