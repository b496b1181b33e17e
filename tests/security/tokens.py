"""Push and bounce addresses for tests: a mailbox's and a newsletter's token in plain text,
as the office admin is shown it once (only its hash is stored)."""

from __future__ import annotations

from rathaus.mail.models import Mailbox
from rathaus.newsletter.models import NewsletterSettings


def push_token(office) -> str:
    mailbox = Mailbox.objects.create(office=office, address="post@mitte.example")
    return mailbox.token


def bounce_token(office) -> str:
    newsletter = NewsletterSettings.objects.create(office=office, enabled=True)
    return newsletter.bounce_token
