"""Fetching OParl JSON from a council information system (Ratsinformationssystem, "RIS"):
bounded, retried, and only from addresses :mod:`rathaus.lib.netguard` allows.

The reader (:mod:`rathaus.lib.oparl`) asks for one URL at a time and gets parsed JSON or
one of the errors below. What is bounded, per response: the bytes read, the seconds to
connect, to wait between two reads and to read the whole answer. What is retried, with
exponential backoff: answers 5xx and 429 and broken or timed-out connections; a server's
``Retry-After`` is honoured up to the backoff's cap. A refused address is never retried.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from rathaus.lib import backoff, netguard
from rathaus.lib.retry_after import parse_retry_after


@dataclass(frozen=True)
class Limits:
    """What one response may cost. Real servers answer pages of a few hundred kB; a file
    list page with extracted texts can reach a few MB."""

    max_bytes: int = 20 * 1024 * 1024
    connect_seconds: float = 10.0
    read_seconds: float = 60.0  # between two reads: SessionNet builds big pages slowly
    total_seconds: float = 180.0
    attempts: int = 4  # the first try included
    backoff_seconds: float = 2.0
    backoff_cap: float = 60.0


class FetchError(Exception):
    """The server answered, but not with what we asked for (4xx, HTML, unreadable JSON)."""

    def __init__(self, url: str, reason: str, status: int | None = None, data: Any = None):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status, self.data = url, reason, status, data


class Unavailable(FetchError):
    """Still failing (5xx, 429, connection broken or too slow) after every attempt."""


@dataclass
class Answer:
    url: str
    data: Any
    repaired: bool  # the JSON had raw control characters inside strings


# Control characters other than tab, line feed and carriage return: allowed nowhere in
# JSON, so they can be dropped wherever they are (PostgreSQL would refuse U+0000 anyway).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse_json(raw: bytes) -> tuple[Any, bool]:
    """JSON from bytes, and whether it had to be repaired. ALLRIS writes raw control
    characters (U+0000–U+001F) inside strings, which strict JSON forbids. Only when the
    strict parse fails are they dropped, and raw tabs and line breaks inside strings read
    as the text they are (Python's non-strict mode)."""
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        return json.loads(text), False
    except json.JSONDecodeError:
        # Still broken: JSONDecodeError rises.
        return json.loads(_CONTROL.sub("", text), strict=False), True


class Fetcher:
    """GETs JSON and files; thread-safe (one requests session per thread, as sessions are
    not). ``on_retry(url, reason)`` hears of every retry, for the reader's log."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str, str], None] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.sleep = sleep
        self.on_retry = on_retry
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = netguard.requests_session()
        return session

    def get_json(self, url: str) -> Answer:
        """The JSON at ``url``; raises :class:`FetchError`, :class:`Unavailable` or
        :class:`netguard.Refused`."""
        headers, body = self.get(url, "application/json")
        if _is_html(headers, body):
            # A login page, a maintenance page or a proxy's error page behind a 200.
            raise FetchError(url, "answered HTML instead of JSON")
        try:
            data, repaired = parse_json(body)
        except (json.JSONDecodeError, RecursionError) as error:
            raise FetchError(url, f"unreadable JSON ({error})") from None
        return Answer(url, data, repaired)

    def download(self, url: str) -> tuple[bytes, str]:
        """A file's bytes and content type. An HTML page where a file was promised (a
        login or error page, as some servers answer for unpublished files) is an error."""
        headers, body = self.get(url, "*/*")
        content_type = headers.get("Content-Type", "")
        if _is_html(headers, body) and not url.lower().endswith((".html", ".htm")):
            raise FetchError(url, "answered HTML instead of the file")
        return body, content_type

    def get(self, url: str, accept: str) -> tuple[Any, bytes]:
        """Headers and body of a successful answer, retried as the module says."""
        limits = self.limits
        for attempt in range(1, limits.attempts + 1):
            retry_after: float | None = None
            try:
                status, headers, body = self._get(url, accept)
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
                TimeoutError,
            ) as error:
                refused = netguard.refusal(error)
                if refused is not None:
                    raise refused from error
                reason = f"connection failed ({type(error).__name__})"
            else:
                if status < 400:
                    return headers, body
                if status < 500 and status != 429:
                    data = _maybe_json(body)
                    raise FetchError(url, f"answered {status}", status, data)
                reason = f"answered {status}"
                retry_after = parse_retry_after(headers.get("Retry-After"))
            if attempt == limits.attempts:
                raise Unavailable(url, f"{reason}, {attempt} attempts")
            if self.on_retry is not None:
                self.on_retry(url, reason)
            wait = backoff.delay(
                attempt,
                base=limits.backoff_seconds,
                cap=limits.backoff_cap,
                retry_after=min(retry_after, limits.backoff_cap) if retry_after else None,
            )
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _get(self, url: str, accept: str) -> tuple[int, Any, bytes]:
        limits = self.limits
        deadline = time.monotonic() + limits.total_seconds
        timeout = (limits.connect_seconds, limits.read_seconds)
        headers = {"Accept": accept}
        with self._session().get(url, timeout=timeout, stream=True, headers=headers) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise FetchError(url, f"answer larger than {limits.max_bytes} bytes")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise FetchError(url, f"answer larger than {limits.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise requests.Timeout(f"answer took longer than {limits.total_seconds} s")
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)


def _is_html(headers: Any, body: bytes) -> bool:
    return "html" in headers.get("Content-Type", "").lower() or body.lstrip()[:1] == b"<"


def _maybe_json(body: bytes) -> Any:
    """An error answer's JSON body (SD.NET's error codes), or None."""
    try:
        return parse_json(body[:100_000])[0]
    except (ValueError, RecursionError):
        return None
