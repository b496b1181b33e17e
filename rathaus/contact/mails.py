"""The two mails the contact form sends: the confirmation with the reference number and the
follow link, and our answer. Plain text only: nothing to render, nothing to track.

Both go to an address anyone can type into the form, unconfirmed: so they carry no text
the submitter typed (name, message, a subject made from it), only the office's own words,
the reference number and the follow link. Otherwise the form would mail anyone's text
from the office to anyone.

The answer mail frames the agent's text as a letter: one greeting above it and one closing
below it, each only where the text has none of its own (``lib.salutations``). Templates
may greet and close (the demo's do) and free answers need not: the citizen reads exactly
one "Guten Tag" and one "Mit freundlichen Grüßen" either way."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from rathaus.inbox.inbound import plain_text
from rathaus.inbox.models import Conversation, Message
from rathaus.lib import salutations
from rathaus.mail import outbound


def confirmation(conversation: Conversation, follow_url: str) -> EmailMessage:
    office = conversation.office
    body = render_to_string(
        "contact/email/confirmation.txt",
        {"conversation": conversation, "office": office, "follow_url": follow_url},
    )
    subject = _("Your message to %(office)s – reference %(reference)s") % {
        "office": office.name_accusative,  # "an das Bezirksamt …"
        "reference": conversation.reference,
    }
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[conversation.citizen_email],
    )


def answer(message: Message, follow_url: str) -> EmailMessage:
    conversation = message.conversation
    office = conversation.office
    text = plain_text(message.text_html)
    body = render_to_string(
        "contact/email/answer.txt",
        {
            "conversation": conversation,
            "office": office,
            "text": text,
            "greeting": not salutations.greets(text),
            "closing": not salutations.closes(text),
            "follow_url": follow_url,
        },
    )
    # From the office's mailbox and with the reference in the subject, so that the
    # citizen's answer by mail threads back into this conversation.
    from_header, domain = outbound.sender(conversation)
    subject = _("Our answer to your message to %(office)s") % {"office": office.name_accusative}
    return EmailMessage(
        subject=f"{subject} [#{conversation.reference}]",
        body=body,
        from_email=from_header,
        to=[conversation.citizen_email],
        # Random and kept on the message before sending: the same id on every attempt,
        # and one nobody else can name in a reply (see mail.receiving).
        headers={"Message-ID": f"<{outbound.message_id(message, domain)}>"},
    )
