"""Email as a reply channel: conversations that came by mail are answered by mail. It
publishes no posts; citizens only write through it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rathaus.delivery.channels import DIRECT, Channel, Sent
from rathaus.delivery.models import Delivery
from rathaus.mail import outbound, receiving


class EmailChannel(Channel):
    key = receiving.CHANNEL
    name = _("Email")
    has_variant = False
    publishes_posts = False
    can_reply = True
    answers = frozenset({DIRECT})

    def reply(self, delivery: Delivery) -> Sent:
        self.refuse_undeliverable(delivery.message)
        return Sent(remote_id=outbound.send(delivery.message))
