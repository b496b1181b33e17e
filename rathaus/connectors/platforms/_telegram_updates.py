"""What citizens write to a Telegram bot, from ``getUpdates``: private messages from people
become inbound messages; channel posts, groups, bots and commands such as /start (sent when
a citizen opens the bot) are skipped. Photos and files are not carried over; the message
says what was sent. A private chat reads as one conversation."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext

from rathaus.connectors.base import Fetched

if TYPE_CHECKING:
    from rathaus.connectors.platforms.telegram import TelegramConnector
    from rathaus.inbox.inbound import InboundMessage

PUBLIC = "https://t.me"
# A citizen writing again within this time continues the conversation of the chat.
SAME_CONVERSATION = timedelta(days=7)
UPDATES = ["message", "channel_post"]


def fetched(connector: TelegramConnector, updates: Any, cursor: str) -> Fetched:
    """The citizens' messages among ``updates``; the cursor is the last update's id."""
    latest: dict[int, str] = {}  # chat → the last message taken from it in this batch
    found = []
    for update in updates:
        message = update.message
        if message is None or not _from_citizen(message):
            continue
        inbound = _inbound(connector, message, latest)
        if inbound is not None:
            found.append(inbound)
            latest[message.chat.id] = inbound.remote_id
    cursor = str(max(u.update_id for u in updates)) if updates else cursor
    return Fetched(messages=found, cursor=cursor)


def _inbound(
    connector: TelegramConnector, message: Any, latest: dict[int, str]
) -> InboundMessage | None:
    text = message.text or message.caption or ""
    kind = _media_kind(message)
    if not text.strip() and not kind:
        return None
    body = linebreaks(text, autoescape=True) if text.strip() else ""
    if kind:
        body += f"<p>[{html.escape(kind)}]</p>"
    user = message.from_user
    return connector.inbound(
        remote_id=f"{message.chat.id}:{message.message_id}",
        text_html=body,
        author_name=" ".join(filter(None, [user.first_name, user.last_name])),
        author_handle=f"@{user.username}" if user.username else "",
        author_url=f"{PUBLIC}/{user.username}" if user.username else "",
        in_reply_to=_parent(connector, message, latest),
        is_public=False,
    )


def _parent(connector: TelegramConnector, message: Any, latest: dict[int, str]) -> str:
    """The message this one continues: the citizen's own message it replies to, else
    the chat's last one (a private chat reads as one conversation; replying to our
    answer continues it however old it is)."""
    chat, replied = message.chat.id, message.reply_to_message
    if replied is not None and replied.from_user and not replied.from_user.is_bot:
        return f"{chat}:{replied.message_id}"
    if chat in latest:
        return latest[chat]
    from rathaus.inbox.models import Message

    earlier = Message.objects.filter(
        office=connector.account.office,
        channel=connector.key,
        direction=Message.Direction.INBOUND,
        remote_id__startswith=f"{chat}:",
    )
    if replied is None:
        earlier = earlier.filter(received_at__gte=timezone.now() - SAME_CONVERSATION)
    last = earlier.order_by("-received_at", "-id").values_list("remote_id", flat=True)
    return last.first() or ""


def _from_citizen(message: Any) -> bool:
    user = message.from_user
    if message.chat.type != "private" or user is None or user.is_bot:
        return False
    return not re.match(r"/\w+(@\w+)?(\s|$)", message.text or "")


def _media_kind(message: Any) -> str:
    kinds = {
        "photo": gettext("photo"),
        "video": gettext("video"),
        "voice": gettext("voice message"),
        "audio": gettext("audio"),
        "document": gettext("file"),
        "sticker": gettext("sticker"),
        "location": gettext("location"),
        "contact": gettext("contact"),
    }
    sent = next((label for name, label in kinds.items() if getattr(message, name, None)), "")
    return gettext("%(kind)s, not shown here") % {"kind": sent} if sent else ""
