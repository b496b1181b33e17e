"""Telegram: posts go to a channel through a bot; citizens write to the bot privately and
are answered there.

- Connecting: a bot token (from @BotFather) and the channel. ``verify`` checks that the bot
  is an administrator of the channel who may post. Bot tokens don't expire. One bot per
  channel: ``getUpdates`` belongs to the bot and confirms what it hands out, so two accounts
  sharing a bot would take each other's messages.
- Posting: plain text (no parse mode, link previews allowed), at most 4096 characters as
  Telegram counts them (UTF-16 code units); a longer text becomes a thread, each message a
  reply to the one before. One image goes as a photo, several as an album (at most 10),
  with the text as caption when it fits 1024 characters, else as a reply after them.
  Telegram has no alt text for photos: the office still requires one in the editor, but it
  is sent nowhere.
- Remote ids: ``<chat id>:<message ids>``, all messages of one part in order; the message
  whose caption carries the text is marked ``c``, otherwise the last one carries it.
  Citizens' messages and our answers are ``<chat id>:<message id>``.
- Check before retry: the Bot API cannot read a channel's history, and a bot gets no update
  for its own posts (the Bot API server skips outgoing messages), so ``getUpdates`` cannot
  find them either. A public channel has Telegram's web preview (``t.me/s/<channel>``), which
  lists the latest posts: ``find`` looks there. A private channel has none; a lost answer
  there means the retry posts again, which the long read timeout makes rare.
- Fetching: polling with ``getUpdates`` (no webhook) every 2 minutes by the connectors' task,
  one page of at most 100 updates per run (asking for the next page would confirm this one
  before it is stored). Only private messages from people arrive in the inbox; channel
  posts, groups, bots and commands such as /start (sent when a citizen opens the bot) are
  skipped. Photos and files are not carried over; the message says what was sent.

Here: connecting, posting, answering, editing and deleting. The Bot API calls and their
errors are in ``_telegram_api``, reading the preview page in ``_telegram_preview``, turning
updates into inbound messages in ``_telegram_updates``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from telegram import Bot, InputFile, InputMediaPhoto, ReplyParameters
from telegram import error as tg

from rathaus.connectors.base import Connection, Credential, Fetched, Image, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Editing, Posting
from rathaus.connectors.platforms import _telegram_api as api
from rathaus.connectors.platforms import _telegram_preview as preview
from rathaus.connectors.platforms import _telegram_updates as updates
from rathaus.connectors.platforms._telegram_updates import PUBLIC
from rathaus.delivery.channels import DIRECT, Attempt, DeliveryError, Limits, PermanentError, Sent
from rathaus.lib.graphemes import utf16_units

if TYPE_CHECKING:
    from rathaus.inbox.models import Message

# Time periods as timedelta, as python-telegram-bot will give them in its next major version;
# without this, every flood-control error warns about the coming change.
os.environ.setdefault("PTB_TIMEDELTA", "true")

T = TypeVar("T")
CAPTION_CHARS = 1024


class TelegramLimits(Limits):
    def count(self, text: str) -> int:
        return utf16_units(text)


class TelegramConnector(Posting, Answering, Editing, Deleting):
    platform = "telegram"
    label = _("Telegram")
    stores = _(
        "Rathaus stores the channel's name, id and user name, the bot's id and user name, and "
        "the bot token, encrypted."
    )
    default_limits = TelegramLimits(max_chars=4096, max_images=10, threads=True)
    default_api_base = "https://api.telegram.org"
    credentials = (
        Credential(
            "bot_token",
            _("Bot token"),
            help=_("From @BotFather. Use one bot for this channel only."),
        ),
        Credential(
            "channel",
            _("Channel"),
            secret=False,
            help=_(
                "The channel's @name or numeric chat id. Add the bot to the channel as an "
                "administrator who may post messages first."
            ),
        ),
    )
    answers = frozenset({DIRECT})  # the bot's private chat with the citizen

    # ----- connecting -------------------------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        token, channel = values.get("bot_token", "").strip(), _channel(values.get("channel", ""))
        if not token or not channel:
            raise PermanentError("Telegram: enter the bot token and the channel")
        base = api_base or settings.CONNECTOR_API_BASES.get("telegram") or cls.default_api_base

        async def look(bot: Bot) -> tuple:
            me = await bot.get_me()
            chat = await bot.get_chat(channel)
            return me, chat, await bot.get_chat_member(chat.id, me.id)

        try:
            me, chat, member = api.run(token, base.rstrip("/"), look)
        except tg.InvalidToken as error:
            raise PermanentError(
                f"Telegram does not know this bot token ({error.message})"
            ) from error
        except tg.BadRequest as error:
            raise PermanentError(f"Telegram: {error.message} ({channel})") from error
        except tg.TelegramError as error:
            raise api.sorted_error(error) from error
        _check_channel(me, chat, member)
        return Connection(
            remote_id=str(chat.id),
            name=chat.title or f"@{chat.username}",
            access_token=token,
            details={
                "bot_id": me.id,
                "bot_username": me.username,
                "chat_username": chat.username or "",
            },
        )

    # ----- posting ----------------------------------------------------------------------

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        after = _ref(reply_to).carrier if reply_to else None
        ids, caption = self._call(lambda bot: self._send(bot, part, after))
        return self._sent(ids, caption=caption)

    async def _send(self, bot: Bot, part: Part, after: int | None) -> tuple[list[int], bool]:
        chat = int(self.account.remote_id)
        if not part.images:
            message = await bot.send_message(chat, part.text, reply_parameters=_reply(after))
            return [message.message_id], False
        caption = part.text if self.limits.count(part.text) <= CAPTION_CHARS else None
        if len(part.images) == 1:
            photo = _file(part.images[0])
            sent = [
                await bot.send_photo(chat, photo, caption=caption, reply_parameters=_reply(after))
            ]
        else:
            album = [
                InputMediaPhoto(_file(image, attach=True), caption=caption if index == 0 else None)
                for index, image in enumerate(part.images)
            ]
            sent = list(await bot.send_media_group(chat, album, reply_parameters=_reply(after)))
        ids = [message.message_id for message in sent]
        if caption is not None:
            return ids, True
        try:
            text = await bot.send_message(chat, part.text, reply_parameters=_reply(ids[0]))
        except tg.TelegramError as error:
            # Telegram said no: take the images back, so that the retry posts the part whole.
            # Without an answer the text may be there; find() then completes the part.
            if api.answered(error):
                await _delete_quietly(bot, chat, ids)
            raise
        return [*ids, text.message_id], False

    def edit(self, remote_id: str, part: Part) -> Sent:
        ref = _ref(remote_id)
        if ref.caption and self.limits.count(part.text) > CAPTION_CHARS:
            raise PermanentError(
                f"Telegram: the new text is longer than a photo caption ({CAPTION_CHARS} "
                "characters); delete the post and publish it again"
            )

        async def change(bot: Bot) -> None:
            if ref.caption:
                await bot.edit_message_caption(ref.chat, ref.carrier, caption=part.text)
            else:
                await bot.edit_message_text(part.text, ref.chat, ref.carrier)

        try:
            self._call(change)
        except tg.BadRequest as error:
            if "not modified" not in error.message:  # a retry of an edit that was made
                raise
        return Sent(remote_id=remote_id, url=self._url(ref.ids[0]))

    def delete(self, remote_id: str) -> None:
        ref = _ref(remote_id)

        async def remove(bot: Bot) -> None:
            for message_id in ref.ids:
                try:
                    await bot.delete_message(ref.chat, message_id)
                except tg.BadRequest as error:
                    if "not found" in error.message:  # deleted already, by hand or a retry
                        continue
                    raise PermanentError(
                        f"Telegram: {error.message} (bots may delete older messages only "
                        "with the right to delete messages; delete it in the channel by hand)"
                    ) from error

        self._call(remove)

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        username = self.account.details.get("chat_username")
        if not username or attempt.delivery.message_id:
            # A private channel has no public page to look at, and the bot's private
            # chats (where answers go) have none either.
            return []
        response = httpx.get(f"{self.web_base}/s/{username}", timeout=20)
        if response.is_redirect:
            return []  # the channel's preview is switched off
        response.raise_for_status()
        return self._shaped_like(preview.posts(response.text), part)

    def _shaped_like(self, seen: list[preview.Seen], part: Part) -> list[Seen]:
        """The channel's posts, newest first, that have ``part``'s shape: a text message,
        a photo or album with the text as caption, or one followed by the text as a reply
        (then the album's messages and the text's make one remote id)."""
        needs_link = bool(part.link) and part.link in part.text
        found = []
        for post in reversed(seen):  # newest first
            if needs_link and part.link not in post.html:
                continue
            if not part.images and not post.media:
                ids, caption, parent = [post.id], False, post.reply_to
            elif part.images and post.media:
                ids, caption, parent = list(post.ids), True, post.reply_to
            elif part.images and post.reply_to:
                album = next((p for p in seen if post.reply_to in p.ids), None)
                ids = [*(album.ids if album else (post.reply_to,)), post.id]
                caption, parent = False, album.reply_to if album else None
            else:
                continue
            sent = self._sent(ids, caption=caption)
            reply_to = str(parent) if parent else ""
            found.append(Seen(sent.remote_id, sent.url, post.text, reply_to=reply_to))
        return found

    def same_text(self, seen: Seen, part: Part) -> bool:
        return preview.fingerprint(seen.text) == preview.fingerprint(part.text)

    def parent_key(self, remote_id: str) -> str:
        return str(_ref(remote_id).carrier)

    # ----- citizens ---------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        offset = int(cursor) + 1 if cursor.isdigit() else None
        found = self._call(
            lambda bot: bot.get_updates(
                offset=offset, limit=100, timeout=0, allowed_updates=updates.UPDATES
            )
        )
        return updates.fetched(self, found, cursor)

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        ref = _ref(reply_to)  # the citizen's message, or our answer's previous part

        async def send(bot: Bot) -> int:
            sent = await bot.send_message(ref.chat, part.text, reply_parameters=_reply(ref.carrier))
            return sent.message_id

        try:
            return Sent(remote_id=f"{ref.chat}:{self._call(send)}")
        except tg.Forbidden as error:  # blocked by the citizen: nothing to re-authorise
            raise PermanentError(f"Telegram: {error.message}") from error

    # ----- plumbing ---------------------------------------------------------------------

    def classify(self, error: Exception) -> DeliveryError | None:
        return api.sorted_error(error) if isinstance(error, tg.TelegramError) else None

    @property
    def web_base(self) -> str:
        """Where the public channel preview is read: Telegram's own site, or the server that
        stands in for the API (a test server)."""
        configured = settings.CONNECTOR_API_BASES.get("telegram_web", "")
        if configured:
            return configured.rstrip("/")
        return PUBLIC if self.api_base == self.default_api_base else self.api_base

    def _call(self, call: Callable[[Bot], Awaitable[T]]) -> T:
        return api.run(self.account.access_token, self.api_base, call)

    def _url(self, message_id: int) -> str:
        username = self.account.details.get("chat_username")
        return f"{PUBLIC}/{username}/{message_id}" if username else ""

    def _sent(self, ids: list[int], *, caption: bool) -> Sent:
        marks = [f"{ids[0]}c", *map(str, ids[1:])] if caption else [str(i) for i in ids]
        chat = self.account.remote_id
        return Sent(remote_id=f"{chat}:{','.join(marks)}", url=self._url(ids[0]))


CONNECTOR = TelegramConnector


async def _delete_quietly(bot: Bot, chat: int, ids: list[int]) -> None:
    # Best effort: should this fail too, the retry shows the images twice.
    for message_id in ids:
        with contextlib.suppress(tg.TelegramError):
            await bot.delete_message(chat, message_id)


def _check_channel(me: Any, chat: Any, member: Any) -> None:
    from rathaus.connectors.models import ConnectedAccount

    if chat.type != "channel":
        raise PermanentError(f"Telegram: {chat.title or chat.id} is a {chat.type}, not a channel")
    if member.status != "administrator" or not getattr(member, "can_post_messages", False):
        raise PermanentError(
            f"Telegram: the bot @{me.username} is no administrator of this channel who may "
            "post messages; add it under the channel's administrators with “Post messages”"
        )
    elsewhere = ConnectedAccount.objects.filter(platform="telegram", details__bot_id=me.id)
    elsewhere = elsewhere.exclude(remote_id=str(chat.id)).exclude(status="disconnected")
    if elsewhere.exists():
        raise PermanentError(
            f"Telegram: the bot @{me.username} is connected to another channel already; "
            "create a separate bot for each channel"
        )


def _channel(value: str) -> str:
    """``@name``, a numeric chat id, or a t.me link, as the Bot API wants the chat."""
    value = re.sub(r"^(https?://)?(t\.me|telegram\.me)/", "", value.strip()).strip("/")
    if not value or re.fullmatch(r"-?\d+", value):
        return value
    return value if value.startswith("@") else f"@{value}"


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


def _file(image: Image, *, attach: bool = False) -> InputFile:
    # Album items travel as attach://<name> references to their multipart fields.
    return InputFile(image.data, filename=image.name.rsplit("/", 1)[-1], attach=attach)


@dataclass(frozen=True)
class _Ref:
    chat: int
    ids: tuple[int, ...]
    caption: bool

    @property
    def carrier(self) -> int:
        """The message that carries the text."""
        return self.ids[0] if self.caption else self.ids[-1]


def _ref(remote_id: str) -> _Ref:
    chat, _sep, rest = remote_id.rpartition(":")
    marks = rest.split(",")
    try:
        ids = tuple(int(mark.removesuffix("c")) for mark in marks)
        return _Ref(chat=int(chat), ids=ids, caption=marks[0].endswith("c"))
    except ValueError:
        raise PermanentError(f"Telegram: not a message of ours: {remote_id!r}") from None
