"""Talking to the Telegram Bot API through python-telegram-bot from synchronous code: one
bot per call on the private event loop, the bot token kept out of the logs, and the
library's errors sorted into temporary / re-authorise / permanent."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import cache
from typing import Any, TypeVar

import httpx
from telegram import Bot
from telegram import error as tg
from telegram.request import HTTPXRequest

from rathaus.delivery.channels import (
    DeliveryError,
    NeedsReauthorisation,
    PermanentError,
    TemporaryError,
)
from rathaus.lib import event_loop

T = TypeVar("T")


class HideToken(logging.Filter):
    """The Bot API takes the token in the URL, which httpx logs (INFO) and so does
    python-telegram-bot (DEBUG)."""

    TOKEN = re.compile(r"(/bot\d+:)[\w-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.TOKEN.sub(r"\1…", str(arg)) if "/bot" in str(arg) else arg
                for arg in record.args
            )
        return True


for _name in ("httpx", "telegram.Bot"):
    if not any(isinstance(f, HideToken) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(HideToken())


@cache
def _tls() -> Any:
    # One TLS context for all clients: building one per call costs about 20 ms.
    return httpx.create_ssl_context()


def run(token: str, api_base: str, call: Callable[[Bot], Awaitable[T]]) -> T:
    """Run ``call`` with a bot for ``token`` from synchronous code. The library sends each
    request once (httpx transports don't retry): retrying is the delivery queue's job."""

    async def go() -> T:
        request = HTTPXRequest(
            connect_timeout=10,
            read_timeout=60,  # long: an answer given up on may leave a post we cannot find
            write_timeout=30,
            media_write_timeout=120,
            pool_timeout=10,
            httpx_kwargs={"verify": _tls()},
        )
        bot = Bot(
            token,
            base_url=f"{api_base}/bot",
            base_file_url=f"{api_base}/file/bot",
            request=request,
            get_updates_request=request,
        )
        try:
            return await call(bot)
        finally:
            await request.shutdown()

    return event_loop.run(go())


def sorted_error(error: tg.TelegramError) -> DeliveryError:
    if isinstance(error, tg.RetryAfter):
        wait = seconds(error)
        return TemporaryError(
            f"Telegram: too many requests, retry after {wait:.0f} s", retry_after=wait
        )
    if isinstance(error, tg.InvalidToken):
        return NeedsReauthorisation(
            "Telegram no longer accepts the bot token (revoked at @BotFather?): connect the "
            "channel again with the bot's current token"
        )
    if isinstance(error, tg.Forbidden):
        return NeedsReauthorisation(
            f"Telegram: {error.message}. The bot was removed from the channel or lost its "
            "rights: add it again as administrator who may post messages"
        )
    if isinstance(error, tg.BadRequest | tg.ChatMigrated | tg.Conflict):
        return PermanentError(f"Telegram: {error.message}")
    # Timeouts, lost connections, 5xx, a 429 without parameters: try again later.
    wait = re.search(r"retry after (\d+)", error.message)
    return TemporaryError(f"Telegram: {error.message}", retry_after=wait and float(wait[1]))


def seconds(error: tg.RetryAfter) -> float:
    with warnings.catch_warnings():  # the int form is deprecated in favour of timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def answered(error: tg.TelegramError) -> bool:
    """Whether Telegram surely did nothing: it refused. A 5xx or a lost line may hide a
    message that was posted all the same."""
    refusals = (tg.RetryAfter, tg.BadRequest, tg.Forbidden, tg.InvalidToken, tg.Conflict)
    return isinstance(error, refusals)
