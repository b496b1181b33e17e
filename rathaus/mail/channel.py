"""Email as a reply channel: conversations that came by mail are answered by mail. It
publishes no posts; citizens only write through it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rathaus.delivery.channels import DIRECT, Attempt, Channel, Sent
from rathaus.mail import outbound, receiving


class EmailChannel(Channel):
    key = receiving.CHANNEL
    name = _("Email")
    answers = frozenset({DIRECT})

    def reply(self, attempt: Attempt) -> Sent:
        return Sent(remote_id=outbound.send(attempt.message))
