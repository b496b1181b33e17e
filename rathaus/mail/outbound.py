"""An answer to a citizen as an email: from the office's mailbox, threaded so the
citizen's mail program shows it under their question and their next reply finds its way
back (Message-ID, In-Reply-To, References, and the reference number in the subject)."""

from __future__ import annotations

import re
import secrets
import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape
from django.utils.translation import gettext as _

from rathaus.delivery.channels import NeedsReauthorisation, PermanentError, TemporaryError
from rathaus.inbox.inbound import plain_text, sanitise
from rathaus.inbox.models import Conversation, Message
from rathaus.lib import salutations
from rathaus.mail.models import Mailbox
from rathaus.mail.parsing import SYNTHETIC_DOMAIN
from rathaus.mail.receiving import REFERENCE_TAG

TIMEOUT = 30  # seconds; Django's SMTP backend would otherwise wait for ever
MAX_REFERENCES = 20
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|antw|wg|fwd?)\s*:\s*)+", re.IGNORECASE)


def sender(conversation: Conversation) -> tuple[str, str]:
    """The From header and the domain for Message-IDs: the office's first active mailbox,
    else the installation's sender address."""
    mailbox = Mailbox.objects.filter(office_id=conversation.office_id, active=True).first()
    if mailbox is not None:
        return formataddr((conversation.office.name, mailbox.address)), mailbox.domain
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return settings.DEFAULT_FROM_EMAIL, address.rpartition("@")[2] or "localhost"


def is_mail_id(remote_id: str) -> bool:
    """Ids other channels and we ourselves give messages are no Message-IDs."""
    return (
        "@" in remote_id
        and "://" not in remote_id
        and not remote_id.startswith(("local:", "note:"))
        and not remote_id.endswith(SYNTHETIC_DOMAIN)
    )


def subject(conversation: Conversation) -> str:
    base = REFERENCE_TAG.sub("", conversation.subject or "").strip()
    base = _REPLY_PREFIX.sub("", base).strip() or _("Your message")
    return f"Re: {base} [#{conversation.reference}]"


def references(answer: Message) -> list[str]:
    earlier = (
        answer.conversation.messages.exclude(direction=Message.Direction.NOTE)
        .exclude(pk=answer.pk)
        .filter(received_at__lte=answer.received_at)
        .values_list("remote_id", flat=True)
    )
    chain = [i for i in earlier if is_mail_id(i) and i != answer.in_reply_to]
    if is_mail_id(answer.in_reply_to):
        chain.append(answer.in_reply_to)  # the message answered comes last
    return chain[-MAX_REFERENCES:]


def new_message_id(domain: str) -> str:
    """A Message-ID nobody can guess (128 random bits; ``make_msgid`` adds the time and
    process id to a non-cryptographic random number), without angle brackets, as the
    inbox keeps them. A reply naming it proves that its writer received our mail."""
    return f"{secrets.token_urlsafe(16)}@{domain or 'localhost'}"


def message_id(answer: Message, domain: str) -> str:
    """Made once and kept before sending, so a retry sends the same id and the citizen's
    mail program shows a mail that went out twice only once."""
    if is_mail_id(answer.remote_id):
        return answer.remote_id
    new = new_message_id(domain)
    Message.objects.filter(pk=answer.pk).update(remote_id=new)
    answer.remote_id = new
    return new


def compose(answer: Message) -> EmailMultiAlternatives:
    conversation = answer.conversation
    from_header, domain = sender(conversation)
    chain = references(answer)
    headers = {"Message-ID": f"<{message_id(answer, domain)}>"}
    if chain:
        headers["References"] = " ".join(f"<{i}>" for i in chain)
    if is_mail_id(answer.in_reply_to):
        headers["In-Reply-To"] = f"<{answer.in_reply_to}>"
    footer = _("Reference number %(reference)s: please keep it in the subject when you reply.")
    footer = footer % {"reference": conversation.reference}
    office = conversation.office.name
    body = plain_text(answer.text_html)
    # A letter with one greeting and one closing, as the contact form's answer mail: the
    # frame adds them only where the agent's text (or its template) has none.
    greeting = "" if salutations.greets(body) else _("Hello,")
    closing = "" if salutations.closes(body) else _("Kind regards")
    text = f"{greeting}\n\n" if greeting else ""
    text += body + (f"\n\n{closing}\n{office}" if closing else "")
    text += f"\n\n-- \n{footer}\n"
    html = f"<p>{escape(greeting)}</p>" if greeting else ""
    html += sanitise(answer.text_html)
    html += f"<p>{escape(closing)}<br>{escape(office)}</p>" if closing else ""
    html += f"<p>-- <br>{escape(footer)}</p>"
    mail = EmailMultiAlternatives(
        subject=subject(conversation),
        body=text,
        from_email=from_header,
        to=[conversation.citizen_email],
        headers=headers,
        connection=get_connection(timeout=TIMEOUT),
    )
    mail.attach_alternative(f"<!DOCTYPE html><html><body>{html}</body></html>", "text/html")
    return mail


def send(answer: Message) -> str:
    """Send the answer; returns its Message-ID (without brackets). Raises the delivery
    errors: temporary for an unreachable server, permanent for a refused address."""
    if not answer.conversation.citizen_email:
        raise PermanentError(_("The citizen gave no email address: the answer cannot be mailed."))
    mail = compose(answer)
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as error:
        _refused(error)
    except smtplib.SMTPAuthenticationError as error:
        said = {"reason": _reason(error)}
        raise NeedsReauthorisation(
            _("The mail server refused the login: %(reason)s") % said
        ) from None
    except smtplib.SMTPResponseException as error:
        said = {"reason": _reason(error)}
        if error.smtp_code >= 500:
            raise PermanentError(_("The mail server refused the mail: %(reason)s") % said) from None
        raise TemporaryError(_("The mail server put off the mail: %(reason)s") % said) from None
    except (smtplib.SMTPException, OSError) as error:
        said = {"reason": str(error) or type(error).__name__}
        raise TemporaryError(_("The mail server could not be reached: %(reason)s") % said) from None
    return answer.remote_id


def _refused(error: smtplib.SMTPRecipientsRefused) -> None:
    """Refused for good (5xx) or only for now (4xx, e.g. greylisting)."""
    answers = error.recipients.items()
    # The server's words without the address: the delivery row outlives anonymisation.
    said = {"reason": "; ".join(f"{code} {_text(text)}" for _to, (code, text) in answers)}
    if all(code >= 500 for _to, (code, _said) in answers):
        raise PermanentError(_("The mail server refused the address: %(reason)s") % said) from None
    raise TemporaryError(_("The mail server put off the address: %(reason)s") % said) from None


def _text(reason: bytes | str) -> str:
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)


def _reason(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"
