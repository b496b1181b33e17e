"""The entry of Telegram: a channel with a bot."""

from __future__ import annotations

import json

from tests.connectors.contract.table import (
    Part,
    Platform,
    Refusal,
    SentImage,
    Threads,
    Written,
    multipart_fields,
)
from tests.fakes import telegram as telegram_fake
from tests.fakes.telegram import CHANNEL, FIRST_BOT, FIRST_CHANNEL, FakeTelegram

# ----- Telegram ------------------------------------------------------------------------------


def _telegram_part(message: dict, chat: int = FIRST_CHANNEL) -> Part:
    parent = message.get("reply_to_message")
    return Part(
        f"{chat}:{message['message_id']}",
        message.get("text") or message.get("caption") or "",
        f"{chat}:{parent['message_id']}" if parent else "",
        f"https://t.me/{CHANNEL}/{message['message_id']}" if chat == FIRST_CHANNEL else "",
    )


def _telegram_images(fake: FakeTelegram) -> list[SentImage]:
    found = []
    for fields in multipart_fields(fake.calls("POST", r"/sendPhoto$")):
        found.append(SentImage(None, fields["photo"][0]))
    for fields in multipart_fields(fake.calls("POST", r"/sendMediaGroup$")):
        for item in json.loads(fields["media"][0]):
            found.append(SentImage(None, fields[item["media"].removeprefix("attach://")][0]))
    return found


def _telegram_writes(fake: FakeTelegram, ours: Part, text: str, n: int) -> Written:
    message = fake.citizen_writes(text)
    update = fake.updates[FIRST_BOT][-1]["update_id"]
    author = message["from"]
    return Written(f"{author['id']}:{message['message_id']}", str(update), author)


def _telegram_answers(fake: FakeTelegram) -> list[Part]:
    chats = [chat for chat, about in fake.chats.items() if about["type"] == "private"]
    return [_telegram_part(m, chat) for chat in chats for m in fake.posts(chat)]


def _telegram_album_id(parts: list[Part]) -> str:
    """The caption's message marked with "c", every message of an album named."""
    first, *others = parts
    return ",".join([f"{first.id}c", *(p.id.split(":")[1] for p in others)])


TELEGRAM = Platform(
    name="telegram",
    fake=FakeTelegram,
    connect=lambda fake, connect_account: fake.connect(connect_account),
    posts=lambda fake: [_telegram_part(m) for m in fake.posts()],
    post_path=r"/sendMessage$",
    answer_path=r"/sendMessage$",
    lookup=lambda fake: fake.calls("GET", rf"^/s/{CHANNEL}$"),
    sent_images=_telegram_images,
    server_error=lambda fake, status: fake.refuse(
        status, "Internal Server Error", path=r"/sendMessage$"
    ),
    server_error_says=lambda status: "Internal Server Error",
    rate_limit=lambda fake, seconds: fake.flood(seconds, path=r"/sendMessage$"),
    rate_limit_says=lambda seconds: f"Telegram: too many requests, retry after {seconds} s",
    expire=lambda fake, account: (
        fake.bots.clear()
    ),  # revoked at @BotFather: bot tokens don't expire
    expired_says="bot token",
    expired_problem="bot token",
    refusals=[
        Refusal(
            "400",
            lambda fake: fake.refuse(400, "Bad Request: chat not found", path=r"/sendMessage$"),
            exactly="Telegram: Chat not found",
        )
    ],
    citizen_writes=_telegram_writes,
    answers=_telegram_answers,
    replies_to_answer=lambda fake, answer, question: fake.citizen_writes(
        "Danke!",
        user=question.author,
        reply_to=int(answer.id.split(":")[1]),
    ),
    threads=Threads(
        body="Der Bezirk plant Ausgaben. " * 400,
        length=telegram_fake.units,
        max_chars=4096,
        fail_second_part=lambda fake: fake.refuse_later(
            "sendMessage", 1, 500, "Internal Server Error"
        ),
        parts=3,
    ),
    alt_texts=False,
    server_error_statuses=(500, 502, 503),
    image_post_id=_telegram_album_id,
    answers_found_after_loss=False,  # a private chat can't be read back: the answer may go twice
    lost_answer_says="Server disconnected without sending a response",
)
