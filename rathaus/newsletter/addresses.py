"""The newsletter's addresses: links to the subscriber's pages, and the per-recipient
bounce address (VERP).

A mailing goes out with the envelope sender ``<bounce local part>+<send id>-<signature>@
<domain>``. A bounce comes back to that address, so the send row (mailing and subscriber)
is known without reading the returned message, and nobody can make one up: the signature
is a keyed hash. Digits and lowercase hex survive mail servers that change the case of
local parts.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.urls import reverse

from rathaus.newsletter.models import NewsletterSettings, Subscriber
from rathaus.offices.models import installation_url

SIGNATURE_CHARS = 12
_VERP = re.compile(rf"^(\d{{1,18}})-([0-9a-f]{{{SIGNATURE_CHARS}}})$")


def page(subscriber: Subscriber, name: str) -> str:
    """The absolute address of a subscriber's page ("confirm" or "manage")."""
    path = reverse(f"newsletter:{name}", args=[subscriber.office.slug, subscriber.token])
    return subscriber.office.public_url(path)


def bounce_push_url(newsletter: NewsletterSettings) -> str:
    """Only right after the token was made (``new_bounce_token``): later, only its hash
    is known."""
    return installation_url() + reverse("newsletter:bounces", args=[newsletter.bounce_token])


def _signature(send_id: int) -> str:
    message = f"rathaus.newsletter.verp:{send_id}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_CHARS]


def verp(newsletter: NewsletterSettings, send_id: int) -> str:
    """The envelope sender of one send; empty when the office has no bounce address."""
    if not newsletter.bounce_address:
        return ""
    local, _at, domain = newsletter.bounce_address.rpartition("@")
    return f"{local}+{send_id}-{_signature(send_id)}@{domain}"


def send_id_in(newsletter: NewsletterSettings, address: str) -> int | None:
    """The send an address names, if it is one of this office's genuine bounce addresses."""
    if not newsletter.bounce_address or "@" not in address:
        return None
    base_local, _at, base_domain = newsletter.bounce_address.lower().rpartition("@")
    local, _at, domain = address.strip().strip("<>").lower().rpartition("@")
    prefix = f"{base_local}+"
    if domain != base_domain or not local.startswith(prefix):
        return None
    match = _VERP.match(local[len(prefix) :])
    if match is None:
        return None
    send_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2), _signature(send_id)):
        return None
    return send_id
