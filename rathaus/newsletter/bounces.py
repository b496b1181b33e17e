"""Bounces: what comes back to an office's bounce address, pushed by its mail server to
``/newsletter/bounces/<token>/`` (see views.py).

The address a report was sent to names the send row (VERP, see addresses.py), so the
subscriber is found without trusting anything in the report. A delivery status
notification (RFC 3464, ``multipart/report; report-type=delivery-status``) is read per
recipient: ``Action: failed`` with a 5.x.x status is a hard bounce, the subscriber is marked
undeliverable at once; with 4.x.x it is a soft bounce, and SOFT_LIMIT soft bounces in a row
(on consecutive mailings, a later mailing without one breaks the row) count as hard.
``Action: delayed`` is only a warning and changes nothing. A report without a usable VERP
address is matched by its Final-Recipient among the office's own subscribers.

Also handled here: a spam complaint (``report-type=feedback-report``, RFC 5965) and a mail
with the subject "unsubscribe" (the mailto in List-Unsubscribe) end the subscription. Other
mail, e.g. an out-of-office reply to the envelope sender, changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from rathaus.newsletter import addresses, subscribing
from rathaus.newsletter.models import NewsletterSettings, Send, Subscriber

HARD, SOFT = Send.Bounce.HARD, Send.Bounce.SOFT
SOFT_LIMIT = 3
# Enhanced status codes (RFC 3463): class.subject.detail.
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
# Where mail servers write the address a message was delivered to.
_ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")
_DAEMONS = ("mailer-daemon", "postmaster")
MAX_TEXT = 20_000
# What the email package raises on some broken headers instead of registering a defect.
_UNREADABLE = (ValueError, IndexError, TypeError, AttributeError, LookupError)


class Outcome:
    HARD = "hard bounce"
    SOFT = "soft bounce"
    UNSUBSCRIBED = "unsubscribed"
    IGNORED = "ignored"


@dataclass
class Failure:
    recipients: list[str]
    kind: str


@dataclass
class Report:
    kind: str = "mail"  # "delivery-status", "feedback-report" or "mail"
    failures: list[Failure] = field(default_factory=list)
    addressed_to: list[str] = field(default_factory=list)
    subject: str = ""
    from_daemon: bool = False
    text: str = ""
    # A spam complaint's Original-Rcpt-To: the recipient who complained.
    complainants: list[str] = field(default_factory=list)


def _header(message: EmailMessage, name: str) -> list[str]:
    try:
        return [str(value) for value in message.get_all(name, [])]
    except _UNREADABLE:
        return []


def _address(value: str) -> str:
    """``rfc822; <Anna@Example.org>`` → ``anna@example.org``."""
    _type, _sep, address = str(value or "").rpartition(";")
    return address.strip().strip("<>").strip().lower()


def _kind(action: str, status: str) -> str | None:
    if action.strip().lower() != "failed":
        return None  # delayed, delivered, relayed, expanded: no bounce
    found = _STATUS.search(status or "")
    if found is None:
        return HARD  # failed without a readable status: the server gave up
    return {"5": HARD, "4": SOFT}.get(found.group(1))


def _failures(part: EmailMessage) -> list[Failure]:
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        return []
    found = []
    for block in blocks[1:]:  # the first block is about the message, the rest per recipient
        kind = _kind(" ".join(_header(block, "Action")), " ".join(_header(block, "Status")))
        if kind is None:
            continue
        names = _header(block, "Final-Recipient") + _header(block, "Original-Recipient")
        found.append(Failure([_address(n) for n in names if n], kind))
    return found


def _fields(part: EmailMessage, name: str) -> list[str]:
    """The addresses in field ``name`` of a report's first block."""
    blocks = part.get_payload()
    if not isinstance(blocks, list) or not blocks:
        return []
    return [found for value in _header(blocks[0], name) if (found := _address(value))]


def _text(message: EmailMessage) -> str:
    try:
        body = message.get_body(preferencelist=("plain",))
        return str(body.get_content())[:MAX_TEXT] if body is not None else ""
    except _UNREADABLE:
        return ""


def read(raw: bytes) -> Report:
    """What a returned message says; never raises on broken mail: what cannot be read
    is left out, and a message left with nothing changes nothing."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    report = Report()
    for name in _ENVELOPE_HEADERS:
        found = getaddresses(_header(message, name))
        report.addressed_to += [address for _name, address in found if address]
    report.subject = " ".join(_header(message, "Subject")).strip()
    sender = " ".join(_header(message, "From")).lower()
    report.from_daemon = any(daemon in sender for daemon in _DAEMONS)
    if message.get_content_type() == "multipart/report":
        report.kind = str(message.get_param("report-type", "") or "").lower() or "mail"
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            report.kind = "delivery-status"
            report.failures += _failures(part)
            # Postfix names the original envelope sender: our bounce address.
            report.addressed_to += _fields(part, "X-Postfix-Sender")
            break
        if part.get_content_type() == "message/feedback-report":
            report.kind = "feedback-report"
            report.addressed_to += _fields(part, "Original-Mail-From")
            report.complainants += _fields(part, "Original-Rcpt-To")
            break
    if report.kind == "mail":
        report.text = _text(message)
    return report


def _send_named(newsletter: NewsletterSettings, candidates: list[str]) -> Send | None:
    for address in candidates:
        send_id = addresses.send_id_in(newsletter, address)
        if send_id is None:
            continue
        found = (
            Send.objects.select_related("subscriber")
            .filter(pk=send_id, mailing__office_id=newsletter.office_id)
            .first()
        )
        if found is not None:
            return found
    return None


def _soft_in_a_row(subscriber: Subscriber, send: Send) -> int:
    recent = (
        Send.objects.filter(
            subscriber=subscriber,
            mailing_id__lte=send.mailing_id,
            status__in=(Send.Status.SENT, Send.Status.FAILED),
        )
        .order_by("-mailing_id")
        .values_list("bounce", flat=True)[:SOFT_LIMIT]
    )
    row = 0
    for bounce in recent:
        if not bounce:
            break
        row += 1
    return row


def record(send: Send | None, subscriber: Subscriber | None, kind: str) -> None:
    """One bounce of ``send``: counted on the row (a hard bounce wins, a report that comes
    twice changes nothing), and the subscriber marked undeliverable when it is time."""
    if send is not None:
        rows = Send.objects.filter(pk=send.pk)
        (rows if kind == HARD else rows.filter(bounce="")).update(bounce=kind)
    if subscriber is None or subscriber.status == Subscriber.Status.BOUNCED:
        return
    if kind == HARD or (send is not None and _soft_in_a_row(subscriber, send) >= SOFT_LIMIT):
        subscribing.mark_bounced(subscriber)


def _latest_send(subscriber: Subscriber) -> Send | None:
    return subscriber.sends.order_by("-mailing_id").first()


def _without_verp(newsletter: NewsletterSettings, failures: list[Failure]) -> str:
    outcome = Outcome.IGNORED
    for failure in failures:
        subscriber = next(
            (
                found
                for address in failure.recipients
                if (found := _subscriber(newsletter, address)) is not None
            ),
            None,
        )
        if subscriber is not None:
            record(_latest_send(subscriber), subscriber, failure.kind)
            outcome = Outcome.HARD if failure.kind == HARD else Outcome.SOFT
    return outcome


def _subscriber(newsletter: NewsletterSettings, address: str) -> Subscriber | None:
    if not address:
        return None
    return Subscriber.objects.filter(office_id=newsletter.office_id, email__iexact=address).first()


def _mine(send: Send, failures: list[Failure]) -> list[Failure]:
    """The failures about this send's recipient. Forwarding may have changed the address
    the report names; the VERP address says whose it is anyway."""
    email = send.subscriber.email.lower() if send.subscriber else ""
    named = [f for f in failures if email and email in f.recipients]
    return named or failures


def _plain_bounce(report: Report) -> str | None:
    """A bounce some servers still send as plain text, from the mailer daemon."""
    if not report.from_daemon:
        return None
    found = _STATUS.search(report.text)
    return {"5": HARD, "4": SOFT}.get(found.group(1)) if found else None


def _unsubscribe(subscriber: Subscriber | None) -> str:
    if subscriber is not None:
        subscribing.unsubscribe(subscriber)
    return Outcome.UNSUBSCRIBED


def handle(newsletter: NewsletterSettings, raw: bytes, envelope: list[str] | None = None) -> str:
    """Act on one returned message; ``envelope`` are recipient addresses the mail server
    passed along (e.g. its ${recipient}). Returns what was done."""
    report = read(raw)
    send = _send_named(newsletter, [*(envelope or []), *report.addressed_to])
    subscriber = send.subscriber if send else None
    if report.kind == "feedback-report":
        if send is None:  # a complaint loop that sends to a fixed address
            found = [_subscriber(newsletter, address) for address in report.complainants]
            subscriber = next((s for s in found if s is not None), None)
        return _unsubscribe(subscriber) if subscriber else Outcome.IGNORED
    if report.kind == "delivery-status":
        if send is None:
            return _without_verp(newsletter, report.failures)
        failures = _mine(send, report.failures)
        if not failures:
            return Outcome.IGNORED
        kind = HARD if any(f.kind == HARD for f in failures) else SOFT
        record(send, subscriber, kind)
        return Outcome.HARD if kind == HARD else Outcome.SOFT
    if send is None:
        return Outcome.IGNORED
    if report.subject.lower() == "unsubscribe":
        return _unsubscribe(subscriber)
    kind = _plain_bounce(report)
    if kind is None:
        return Outcome.IGNORED
    record(send, subscriber, kind)
    return Outcome.HARD if kind == HARD else Outcome.SOFT
