"""The newsletter's mails: the confirmation of a subscription, and a post as a newsletter
(plain text with an HTML alternative).

Nothing in them reports back: no tracking pixel, no image loaded from anywhere (images are
links with their alt text), no redirected links. Every mail names its own unsubscribe page
in List-Unsubscribe, with one-click unsubscribing (RFC 8058) and, when the office has a
bounce address, a mailto alternative to the recipient's own bounce address.
"""

from __future__ import annotations

import re
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.inbox.inbound import plain_text
from rathaus.lib import richtext
from rathaus.lib.oneline import one_line
from rathaus.mail.models import Mailbox
from rathaus.newsletter import addresses
from rathaus.newsletter.models import (
    PENDING_DAYS,
    Mailing,
    NewsletterSettings,
    Send,
    Subscriber,
)
from rathaus.posts.models import Post

CHANNEL_KEY = "newsletter"
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)


def sender(newsletter: NewsletterSettings) -> tuple[str, str, str]:
    """The From header, its address, and the domain for Message-IDs."""
    office = newsletter.office
    address = newsletter.sender_address
    if not address:
        mailbox = Mailbox.objects.filter(office=office, active=True).first()
        address = mailbox.address if mailbox else parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    address = address or "rathaus@localhost"
    # Names typed into the admin: a line break would end the header (and Django refuses it).
    header = formataddr((one_line(newsletter.sender_name or office.name), address))
    return header, address, address.rpartition("@")[2] or "localhost"


def snapshot(post: Post) -> dict:
    """What a mailing says, taken from the post as it is now: the newsletter's own variant
    if the editor wrote one, else the post's text; images as addresses with alt text."""
    office = post.office
    variant = post.variant_text(CHANNEL_KEY)
    images = [
        {
            "url": office.public_url(image.public_url()),
            "alt": image.alt_text,
            "author": image.author,
            "licence": image.licence,
        }
        for image in post.images.all()
    ]
    return {
        "office": office,
        "subject": one_line(post.title),
        "body_html": richtext.render(variant) if variant else post.body_html,
        "images": images,
        "post_url": office.public_url(post.get_absolute_url()),
    }


def _footer(newsletter: NewsletterSettings) -> str:
    return newsletter.footer.strip() or newsletter.office.imprint.strip()


def unsubscribe_headers(manage_url: str, bounce: str) -> dict[str, str]:
    targets = [f"<{manage_url}>"]
    if bounce:
        targets.append(f"<mailto:{bounce}?subject=unsubscribe>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def issue(
    mailing: Mailing,
    send: Send,
    newsletter: NewsletterSettings,
    connection=None,
    from_: tuple[str, str, str] | None = None,
) -> EmailMultiAlternatives:
    """The mailing as one subscriber gets it, in the subscriber's language; ``from_`` is
    :func:`sender`, worked out once per batch."""
    subscriber = send.subscriber
    office = newsletter.office
    from_header, from_address, domain = from_ or sender(newsletter)
    bounce = addresses.verp(newsletter, send.pk)
    manage_url = addresses.page(subscriber, "manage")
    context = {
        "office": office,
        "mailing": mailing,
        "subscriber": subscriber,
        # List items keep a dash in the text version; plain_text drops the bullets.
        "text": plain_text(_LIST_ITEM.sub(r"\g<0>- ", mailing.body_html)),
        "manage_url": manage_url,
        "footer": _footer(newsletter),
    }
    with translation.override(subscriber.language):
        text = render_to_string("newsletter/email/issue.txt", context)
        html = render_to_string("newsletter/email/issue.html", context)
    headers = {
        "From": from_header,
        "Message-ID": make_msgid(domain=domain),
        "List-Id": f"<{office.slug}.newsletter.{domain}>",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
        **unsubscribe_headers(manage_url, bounce),
    }
    mail = EmailMultiAlternatives(
        # Titles are single-line (posts.content.check_title); one saved before may not be.
        subject=one_line(mailing.subject),
        body=text,
        # The envelope sender: where the recipient's server sends a bounce (Return-Path).
        from_email=bounce or from_address,
        to=[subscriber.email],
        reply_to=[newsletter.reply_to] if newsletter.reply_to else None,
        headers=headers,
        connection=connection,
    )
    mail.attach_alternative(html, "text/html")
    return mail


def confirmation(subscriber: Subscriber, newsletter: NewsletterSettings) -> EmailMessage:
    """The double opt-in mail: the link opens a page with a button, nothing is confirmed by
    merely following it (mail scanners do)."""
    office = subscriber.office
    from_header, from_address, domain = sender(newsletter)
    context = {
        "office": office,
        "subscriber": subscriber,
        "confirm_url": addresses.page(subscriber, "confirm"),
        "days": PENDING_DAYS,
        "footer": _footer(newsletter),
    }
    with translation.override(subscriber.language):
        body = render_to_string("newsletter/email/confirm.txt", context)
        subject = _("Please confirm your subscription to the newsletter of %(office)s") % {
            "office": one_line(office.name_genitive_phrase)  # "des Bezirksamts Mitte"
        }
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=newsletter.bounce_address or from_address,
        to=[subscriber.email],
        reply_to=[newsletter.reply_to] if newsletter.reply_to else None,
        headers={
            "From": from_header,
            "Message-ID": make_msgid(domain=domain),
            "Auto-Submitted": "auto-generated",
        },
    )
