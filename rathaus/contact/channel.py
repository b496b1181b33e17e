"""The contact form as a reply channel: an answer is on the follow page as soon as it is
sent, and goes to the citizen by email if they gave an address."""

from __future__ import annotations

import smtplib

from django.utils.translation import gettext_lazy as _

from rathaus.contact import follow, mails
from rathaus.delivery.channels import DIRECT, Attempt, Channel, PermanentError, Sent, TemporaryError


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    # The server's answer without the address: the delivery row outlives anonymisation.
    return "; ".join(
        f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for code, text in error.recipients.values()
    )


class ContactChannel(Channel):
    key = follow.CHANNEL
    name = _("Contact form")
    answers = frozenset({DIRECT})  # the follow page and mail reach the citizen alone

    def reply(self, attempt: Attempt) -> Sent:
        message = attempt.message
        conversation = message.conversation
        remote_id = f"{follow.CHANNEL}:{message.pk}"
        if conversation.citizen_email:
            email = mails.answer(message, follow.url(conversation))
            try:
                email.send()
            except smtplib.SMTPRecipientsRefused as error:
                raise PermanentError(
                    _("The mail server refused the citizen's address: %(error)s")
                    % {"error": _refusal(error)}
                ) from error
            except (smtplib.SMTPException, OSError) as error:
                raise TemporaryError(
                    _("The mail server could not be reached: %(error)s") % {"error": error}
                ) from error
            remote_id = email.extra_headers["Message-ID"].strip("<>")
        # The citizen's next message from the follow page threads under this id.
        return Sent(remote_id=remote_id)
