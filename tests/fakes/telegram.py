"""A fake Telegram Bot API (``POST /bot<token>/<method>``) and the public channel preview
(``GET /s/<channel>``), as far as the connector uses them.

Answers are shaped as Telegram's: ``{"ok": true, "result": ...}`` or ``{"ok": false,
"error_code": 400, "description": "Bad Request: ..."}``, with ``parameters.retry_after`` on
429. Parameters arrive form-encoded (values JSON-encoded where they are not strings) or as
multipart with the photos. Like the real server, a bot gets no update for its own messages:
only citizens' messages (:meth:`citizen_writes`) and posts people make in the channel
(:meth:`admin_posts`) are queued for ``getUpdates``.

For the benchmark: ``FakeTelegram()``, ``start()``, ``.url``, ``connection_values(i)`` (an
account the fake accepts: one bot and one channel per index) and ``posts_by_account()``
(channel chat id, the account's remote id → texts of the messages the bot posted there).
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.server import FakeServer, Request, Response

FIRST_BOT = 7012345678
FIRST_CHANNEL = -1001234567890
CHANNEL = "bezirksamt_mitte"
TOKEN = f"{FIRST_BOT}:AAH-rathaus-test-0"


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


METHODS = {
    name.lower(): f"_{name.lower()}"
    for name in (
        "getMe",
        "getChat",
        "getChatMember",
        "sendMessage",
        "sendPhoto",
        "sendMediaGroup",
        "editMessageText",
        "editMessageCaption",
        "deleteMessage",
        "getUpdates",
    )
}


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.state = threading.RLock()
        self.bots: dict[str, dict] = {}  # token → the bot's User
        self.chats: dict[int, dict] = {}  # chat id → Chat
        self.rights: dict[tuple[int, int], dict] = {}  # (chat, user) → administrator rights
        self.messages: dict[int, dict[int, dict]] = {}  # chat → message id → Message
        self.by_bot: set[tuple[int, int]] = set()  # (chat, message id) the bot sent
        self.updates: dict[int, list[dict]] = {}  # bot id → unconfirmed updates
        self.allowed: dict[int, list[str]] = {}
        self.blocked: set[tuple[int, int]] = set()  # (bot, user) the user blocked
        self.preview = True
        self.scripted: list[list] = []  # [method, calls to let through, status, description]
        self.drop_methods: list[str] = []
        self.ids = itertools.count(1)
        self.message_ids: dict[int, itertools.count] = {}  # never reused, as on Telegram
        self.update_ids = itertools.count(900_000_001)
        self.users = itertools.count(5_550_001)
        self.connection_values(0)
        self.route("POST", r"/bot(?P<token>[^/]+)/(?P<method>\w+)")(self._api)
        self.route("GET", r"/bot(?P<token>[^/]+)/(?P<method>\w+)")(self._api)
        self.route("GET", r"/s/(?P<username>\w+)")(self._preview)

    # ----- set-up and the benchmark's hooks -------------------------------------------

    def connection_values(self, index: int = 0) -> dict[str, Any]:
        """A bot that administers a public channel (made on first use): the fields of a
        ConnectedAccount the fake accepts."""
        bot_id, chat_id = FIRST_BOT + index, FIRST_CHANNEL - index
        token = f"{bot_id}:AAH-rathaus-test-{index}"
        username = CHANNEL if index == 0 else f"{CHANNEL}_{index}"
        with self.state:
            if token not in self.bots:
                self.bots[token] = {
                    "id": bot_id,
                    "is_bot": True,
                    "first_name": "Rathaus",
                    "username": f"rathaus_{index}_bot",
                }
                self.chats[chat_id] = {
                    "id": chat_id,
                    "type": "channel",
                    "title": "Bezirksamt Mitte" if index == 0 else f"Bezirksamt {index}",
                    "username": username,
                }
                self.rights[(chat_id, bot_id)] = {"can_post_messages": True}
        return {
            "remote_id": str(chat_id),
            "name": self.chats[chat_id]["title"],
            "access_token": token,
            "details": {
                "bot_id": bot_id,
                "bot_username": f"rathaus_{index}_bot",
                "chat_username": username,
            },
        }

    def connect(self, connect_account: Callable, **fields: Any) -> Any:
        """The office's channel and its bot connected to this server (tests'
        ``connect_account``)."""
        values = self.connection_values() | fields
        return connect_account("telegram", api_base=self.url, **values)

    def credentials(self, index: int = 0) -> dict[str, str]:
        """What an admin types in to connect that channel."""
        values = self.connection_values(index)
        return {
            "bot_token": values["access_token"],
            "channel": f"@{values['details']['chat_username']}",
        }

    def posts_by_account(self) -> dict[str, list[str]]:
        with self.state:
            return {
                str(chat_id): [
                    m.get("text") or m.get("caption")
                    for m in self._posts(chat_id)
                    if m.get("text") or m.get("caption")
                ]
                for chat_id, chat in self.chats.items()
                if chat["type"] == "channel"
            }

    def posts(self, chat_id: int = FIRST_CHANNEL) -> list[dict]:
        """The bot's messages in a chat, oldest first."""
        with self.state:
            return self._posts(chat_id)

    def _posts(self, chat_id: int) -> list[dict]:
        found = self.messages.get(chat_id, {}).values()
        return [m for m in found if (chat_id, m["message_id"]) in self.by_bot]

    # ----- what happens on Telegram without the bot ----------------------------------

    def citizen_writes(
        self,
        text: str = "",
        *,
        user: dict | None = None,
        reply_to: int | None = None,
        photo: bool = False,
        index: int = 0,
    ) -> dict:
        """A person writes to the bot privately; with ``photo`` the text is its caption."""
        user = user or self.citizen()
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
        fields = {"photo": _sizes(b"citizen"), "caption": text or None} if photo else {"text": text}
        with self.state:
            self.chats.setdefault(user["id"], chat)
            message = self._store(user["id"], {"from": user, **fields}, reply_to=reply_to)
            self._queue(index, "message", message)
        return message

    def citizen(
        self, first_name: str = "Anna", last_name: str = "Schmidt", username: str | None = "anna_s"
    ) -> dict:
        user = {
            "id": next(self.users),
            "is_bot": False,
            "first_name": first_name,
            "last_name": last_name,
            "language_code": "de",
        }
        if username:
            user["username"] = username
        return user

    def admin_posts(self, text: str, *, index: int = 0) -> dict:
        """A person posts in the channel by hand: the bot hears of it."""
        chat_id = FIRST_CHANNEL - index
        with self.state:
            message = self._store(chat_id, {"sender_chat": self.chats[chat_id], "text": text})
            self._queue(index, "channel_post", message)
        return message

    def group_message(self, text: str, *, index: int = 0) -> dict:
        user = self.citizen()
        group = {"id": -4000000000 - next(self.ids), "type": "group", "title": "Nachbarschaft"}
        with self.state:
            self.chats[group["id"]] = group
            message = self._store(group["id"], {"from": user, "text": text})
            self._queue(index, "message", message)
        return message

    def block(self, user_id: int, *, index: int = 0) -> None:
        self.blocked.add((FIRST_BOT + index, user_id))

    def remove_bot(self, index: int = 0) -> None:
        """Somebody took the bot out of its channel."""
        with self.state:
            self.rights.pop((FIRST_CHANNEL - index, FIRST_BOT + index), None)

    def set_rights(self, index: int = 0, **rights: bool) -> None:
        with self.state:
            self.rights[(FIRST_CHANNEL - index, FIRST_BOT + index)].update(rights)

    def age(self, chat_id: int, message_id: int, hours: float) -> None:
        with self.state:
            self.messages[chat_id][message_id]["date"] -= int(hours * 3600)

    def flood(self, seconds: int, *, path: str | None = None) -> None:
        """The next request hits Telegram's flood control."""
        self.fail_next(
            429,
            path=path,
            headers={"Retry-After": str(seconds)},
            body={
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {seconds}",
                "parameters": {"retry_after": seconds},
            },
        )

    def refuse_later(self, method: str, calls: int, status: int, description: str) -> None:
        """Let ``calls`` calls of ``method`` through, then refuse the next one."""
        with self.state:
            self.scripted.append([method.lower(), calls, status, description])

    def drop_after_handling_next_call_of(self, method: str) -> None:
        """Like ``drop_after_handling_next``, for the next call of this method only."""
        with self.state:
            self.drop_methods.append(method.lower())

    def _scripted(self, method: str) -> ApiError | None:
        for script in self.scripted:
            if script[0] == method:
                if script[1] == 0:
                    self.scripted.remove(script)
                    return ApiError(script[2], script[3])
                script[1] -= 1
        return None

    def refuse(self, status: int, description: str, *, path: str | None = None) -> None:
        self.fail_next(
            status, path=path, body={"ok": False, "error_code": status, "description": description}
        )

    # ----- the API ------------------------------------------------------------------------

    def _api(self, request: Request) -> Response:
        bot = self.bots.get(request.params["token"])
        if bot is None:
            return Response(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        # Method names are case-insensitive on Telegram.
        method = METHODS.get(request.params["method"].lower())
        if method is None:
            return Response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        try:
            with self.state:
                refusal = self._scripted(request.params["method"].lower())
                if refusal is not None:
                    raise refusal
                result = getattr(self, method)(bot, _params(request))
                if request.params["method"].lower() in self.drop_methods:
                    self.drop_methods.remove(request.params["method"].lower())
                    self.drop_after_handling_next()  # this very response is lost
        except ApiError as error:
            body = {"ok": False, "error_code": error.code, "description": error.description}
            return Response(error.code, body)
        return Response(200, {"ok": True, "result": result})

    def _getme(self, bot: dict, params: dict) -> dict:
        return {
            **bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _getchat(self, bot: dict, params: dict) -> dict:
        chat = self._chat(params.get("chat_id", ""))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _getchatmember(self, bot: dict, params: dict) -> dict:
        chat = self._chat(params.get("chat_id", ""))
        user_id = int(params["user_id"])
        user = next((b for b in self.bots.values() if b["id"] == user_id), {"id": user_id})
        rights = self.rights.get((chat["id"], user_id))
        if rights is None:
            return {"status": "left", "user": user}
        flags = (
            "can_be_edited",
            "is_anonymous",
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_promote_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
            "can_post_messages",
            "can_edit_messages",
        )
        given = {flag: rights.get(flag, flag != "is_anonymous") for flag in flags}
        return {"status": "administrator", "user": user, **given}

    def _sendmessage(self, bot: dict, params: dict) -> dict:
        chat = self._writable(bot, params)
        text = params.get("text", "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if units(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._post(bot, chat, {"text": text}, self._reply(chat, params))

    def _sendphoto(self, bot: dict, params: dict) -> dict:
        chat = self._writable(bot, params)
        photo = params.get("photo")
        if not isinstance(photo, bytes):
            raise ApiError(400, "Bad Request: there is no photo in the request")
        fields = {"photo": _sizes(photo), **self._caption(params)}
        return self._post(bot, chat, fields, self._reply(chat, params))

    def _sendmediagroup(self, bot: dict, params: dict) -> list[dict]:
        chat = self._writable(bot, params)
        media = json.loads(params.get("media", "[]"))
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: media group must contain 2-10 items")
        files = []
        for item in media:
            data = params.get(item["media"].removeprefix("attach://"))
            if item.get("type") != "photo" or not isinstance(data, bytes):
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            files.append((data, self._caption(item)))
        group, reply = str(next(self.ids) * 7919), self._reply(chat, params)
        return [
            self._post(
                bot, chat, {"photo": _sizes(data), "media_group_id": group, **caption}, reply
            )
            for data, caption in files
        ]

    def _editmessagetext(self, bot: dict, params: dict) -> dict:
        message = self._own(bot, params, "edit")
        text = params.get("text", "")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._change(message, "text", text)

    def _editmessagecaption(self, bot: dict, params: dict) -> dict:
        message = self._own(bot, params, "edit")
        if "photo" not in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._change(message, "caption", self._caption(params).get("caption"))

    def _deletemessage(self, bot: dict, params: dict) -> bool:
        message = self._own(bot, params, "delete")
        chat = message["chat"]
        may = self.rights.get((chat["id"], bot["id"]), {}).get("can_delete_messages", True)
        if (chat["type"] != "channel" or not may) and message["date"] < time.time() - 48 * 3600:
            raise ApiError(400, "Bad Request: message can't be deleted")
        del self.messages[chat["id"]][message["message_id"]]
        return True

    def _getupdates(self, bot: dict, params: dict) -> list[dict]:
        queue = self.updates.setdefault(bot["id"], [])
        if "allowed_updates" in params:
            self.allowed[bot["id"]] = json.loads(params["allowed_updates"])
        offset = int(params.get("offset", 0) or 0)
        if offset:
            queue[:] = [u for u in queue if u["update_id"] >= offset]  # confirmed
        kinds = self.allowed.get(bot["id"]) or ["message", "channel_post"]
        wanted = [u for u in queue if any(kind in u for kind in kinds)]
        return wanted[: int(params.get("limit", 100) or 100)]

    # ----- helpers ------------------------------------------------------------------------

    def _chat(self, chat_id: str) -> dict:
        if chat_id.startswith("@"):
            found = next((c for c in self.chats.values() if c.get("username") == chat_id[1:]), None)
        else:
            found = self.chats.get(int(chat_id)) if re.fullmatch(r"-?\d+", chat_id) else None
        if found is None:
            raise ApiError(400, "Bad Request: chat not found")
        return found

    def _writable(self, bot: dict, params: dict) -> dict:
        chat = self._chat(params.get("chat_id", ""))
        if chat["type"] == "private":
            if (bot["id"], chat["id"]) in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return chat
        rights = self.rights.get((chat["id"], bot["id"]))
        if rights is None:
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
        if not rights.get("can_post_messages"):
            raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
        return chat

    def _own(self, bot: dict, params: dict, verb: str) -> dict:
        chat = self._chat(params.get("chat_id", ""))
        message = self.messages.get(chat["id"], {}).get(int(params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return message

    def _change(self, message: dict, field: str, value: str | None) -> dict:
        if message.get(field) == value:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content "
                "and reply markup of the message",
            )
        message[field] = value
        message["edit_date"] = int(time.time())
        return message

    def _post(self, bot: dict, chat: dict, fields: dict, reply: dict) -> dict:
        """A message the bot sends: in a channel it appears as the channel's."""
        author = {"sender_chat": chat} if chat["type"] == "channel" else {"from": bot}
        message = self._store(chat["id"], {**author, **fields}, **reply)
        self.by_bot.add((chat["id"], message["message_id"]))
        return message

    def _caption(self, params: dict) -> dict:
        caption = params.get("caption")
        if caption and units(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return {"caption": caption} if caption else {}

    def _reply(self, chat: dict, params: dict) -> dict:
        wanted = json.loads(params.get("reply_parameters") or "null")
        if not wanted:
            return {}
        if wanted["message_id"] not in self.messages.get(chat["id"], {}):
            if not wanted.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            return {}
        return {"reply_to": wanted["message_id"]}

    def _store(self, chat_id: int, fields: dict, *, reply_to: int | None = None) -> dict:
        chat = self.chats[chat_id]
        messages = self.messages.setdefault(chat_id, {})
        number = next(self.message_ids.setdefault(chat_id, itertools.count(1)))
        message = {
            "message_id": number,
            "date": int(time.time()),
            "chat": chat,
            **{k: v for k, v in fields.items() if v is not None},
        }
        if reply_to is not None:
            parent = dict(messages[reply_to])
            parent.pop("reply_to_message", None)
            message["reply_to_message"] = parent
        messages[message["message_id"]] = message
        return message

    def _queue(self, index: int, kind: str, message: dict) -> None:
        update = {"update_id": next(self.update_ids), kind: message}
        self.updates.setdefault(FIRST_BOT + index, []).append(update)

    # ----- the public preview t.me/s/<channel> --------------------------------------------

    def _preview(self, request: Request) -> Response:
        username = request.params["username"]
        with self.state:
            chat = next((c for c in self.chats.values() if c.get("username") == username), None)
            if chat is None or not self.preview:
                return Response(302, "", {"Location": f"/{username}"})
            messages = list(self.messages.get(chat["id"], {}).values())[-20:]
            widgets = _widgets(username, messages)
        page = f'<html><body><section class="tgme_channel_history">{widgets}</section></body>'
        return Response(200, page + "</html>", {"Content-Type": "text/html; charset=utf-8"})


def _params(request: Request) -> dict[str, Any]:
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        return {
            name: data if filename else data.decode()
            for name, (data, filename) in request.multipart().items()
        }
    if kind.startswith("application/json"):
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in request.json().items()}
    fields = parse_qs(request.body.decode(), keep_blank_values=True) if request.body else {}
    return {k: v[0] for k, v in {**request.query, **fields}.items()}


def _sizes(data: bytes) -> list[dict]:
    unique = f"AQAD{abs(hash(data)) % 10**8}"
    return [
        {
            "file_id": f"{unique}-{side}",
            "file_unique_id": f"{unique}{side}",
            "width": side,
            "height": side,
            "file_size": len(data),
        }
        for side in (90, 320)
    ]


def _widgets(username: str, messages: list[dict]) -> str:
    """Widgets as on t.me/s/: one per message, one per album (named by its last message)."""
    groups: list[list[dict]] = []
    for message in messages:
        group = message.get("media_group_id")
        if group and groups and groups[-1][-1].get("media_group_id") == group:
            groups[-1].append(message)
        else:
            groups.append([message])
    return "\n".join(_widget(username, group) for group in groups)


def _widget(username: str, messages: list[dict]) -> str:
    last = messages[-1]
    text = next(
        (m.get("text") or m.get("caption") for m in messages if m.get("text") or m.get("caption")),
        "",
    )
    parts = []
    if "reply_to_message" in messages[0]:
        parent = messages[0]["reply_to_message"]
        parts.append(
            f'<a class="tgme_widget_message_reply" href="https://t.me/{username}/'
            f'{parent["message_id"]}"><div class="tgme_widget_message_text js-message_reply_text"'
            f' dir="auto">{_rich(parent.get("text") or parent.get("caption") or "")}</div></a>'
        )
    if len(messages) > 1:
        items = "".join(
            f'<a class="tgme_widget_message_photo_wrap grouped_media_wrap" '
            f'href="https://t.me/{username}/{m["message_id"]}?single"></a>'
            for m in messages
        )
        parts.append(
            f'<div class="tgme_widget_message_grouped_wrap"><div class='
            f'"tgme_widget_message_grouped_layer">{items}</div></div>'
        )
    elif "photo" in last:
        parts.append(
            f'<a class="tgme_widget_message_photo_wrap" '
            f'href="https://t.me/{username}/{last["message_id"]}"></a>'
        )
    if text:
        inner = f'<div class="tgme_widget_message_text js-message_text" dir="auto">{_rich(text)}'
        parts.append(
            f"{inner}</div>"
            if len(messages) == 1
            else f'<div class="tgme_widget_message_text js-message_text" dir="auto">'
            f"{inner}</div></div>"
        )
    return (
        f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class='
        f'"tgme_widget_message text_not_supported_wrap js-widget_message" data-post='
        f'"{username}/{last["message_id"]}"><div class="tgme_widget_message_bubble">'
        f"{''.join(parts)}</div></div></div>"
    )


def _rich(text: str) -> str:
    escaped = html.escape(text, quote=False).replace("\n", "<br/>")
    return re.sub(
        r"https?://[^\s<]+",
        lambda m: f'<a href="{m[0]}" target="_blank" rel="noopener">{m[0]}</a>',
        escaped,
    )
