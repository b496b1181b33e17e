"""What an installation holds, as plain JSON: read once in the test process before the
backup, and once by ``python -m tests.backups.snapshot`` in the restored installation.
The same code reads both sides, so the two must be equal.

Secrets are read through the models, which open them with the keys of the process that
reads: in the restored installation, the keys ``restore`` wrote. A key that did not come
back makes the reading fail, not just differ."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def _files(root) -> dict[str, str]:
    root = Path(root) if root else None
    if root is None or not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def snapshot() -> dict:
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from rathaus.connectors.models import ConnectedAccount
    from rathaus.delivery.models import Delivery
    from rathaus.federation.models import Account
    from rathaus.inbox.models import Conversation, Message
    from rathaus.mail.models import Mailbox
    from rathaus.posts import content
    from rathaus.posts.models import Post, PostImage
    from tests.helpers import PASSWORD

    return {
        "posts": [
            [p.pk, p.title, p.status, p.published_at.isoformat() if p.published_at else None]
            for p in Post.objects.order_by("pk")
        ],
        # The counter, not the highest id: ids of deleted posts must not come back.
        "next_post_id": content._next_id(),
        "images": list(PostImage.objects.order_by("pk").values_list("post_id", "image")),
        "deliveries": [
            [
                d.pk,
                d.subject_type.model,
                d.subject_id,
                d.channel,
                d.action,
                d.status,
                d.attempts,
                d.last_error,
                d.remote_url,
            ]
            for d in Delivery.objects.order_by("pk")
        ],
        "conversations": list(
            Conversation.objects.order_by("pk").values_list("pk", "reference", "status")
        ),
        "messages": list(
            Message.objects.order_by("pk").values_list(
                "pk", "conversation_id", "direction", "text_html"
            )
        ),
        "connected_accounts": [
            [a.pk, a.platform, a.name, a.access_token, a.refresh_token]
            for a in ConnectedAccount.objects.order_by("pk")
        ],
        "mailboxes": [[m.pk, m.address, m.imap_password] for m in Mailbox.objects.order_by("pk")],
        "fediverse_keys": [
            [a.pk, a.username, hashlib.sha256(a.private_key_pem.encode()).hexdigest()]
            for a in Account.objects.order_by("pk")
        ],
        "users": [
            [u.username, u.password, u.check_password(PASSWORD)]
            for u in get_user_model().objects.order_by("username")
        ],
        "totp_secrets": [
            [a.user.username, get_adapter().decrypt(a.data["secret"])]
            for a in Authenticator.objects.filter(type="totp").order_by("pk")
        ],
        "uploads": _files(settings.MEDIA_ROOT),
        "rendered": _files(getattr(settings, "RENDERED_ROOT", None)),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(snapshot(), default=str))
