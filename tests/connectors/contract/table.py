"""The shape of the contract's table: what a platform declares (Platform) and what the
contract reads back from its fake (Part, Written, SentImage); each(), to run a case for
some platforms, and image(), a post's image."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.fakes.server import FakeServer
from tests.helpers import png

Fake = Any  # one of the fakes in tests/fakes/; each entry knows which


@dataclass
class Part:
    """One post (or thread part, or answer) as the platform holds it."""

    id: str  # as Rathaus stores it (Delivery.remote_id, remote_parts, Message.remote_id)
    text: str
    reply_to: str = ""  # the id of the part or message it answers
    url: str = ""


@dataclass
class Written:
    """A citizen's message on the platform: its id, and the account's cursor once read."""

    id: str
    cursor: str
    author: Any = None  # where the platform needs it to write again as the same person


@dataclass
class SentImage:
    alt: str | None  # None: the platform takes no alt text
    data: bytes | None = None  # the bytes uploaded
    url: str = ""  # where the platform fetches the image itself (Instagram)


@dataclass
class Refusal:
    """A refusal for good, scripted on the fake, and what the delivery's error then says."""

    name: str
    script: Callable[[Fake], None]
    says: tuple[str, ...] = ()  # each in last_error
    exactly: str = ""  # or last_error exactly
    starts: str = ""  # or last_error's beginning


@dataclass
class Threads:
    body: str  # long enough for three parts at least
    length: Callable[[str], int]  # counted as the platform counts
    max_chars: int
    fail_second_part: Callable[[Fake], None]
    parts: int = 0  # exactly this many, where the platform's count is known


@dataclass
class Platform:
    name: str
    fake: type[FakeServer]
    connect: Callable[[Fake, Callable], Any]
    posts: Callable[[Fake], list[Part]]  # the office's posts (and thread parts), oldest first
    post_path: str  # the request that creates a post (or thread part)
    answer_path: str  # the request that answers a citizen
    lookup: Callable[[Fake], list]  # the requests that looked for our own recent posts
    sent_images: Callable[[Fake], list[SentImage]]
    server_error: Callable[[Fake, int], None]
    server_error_says: Callable[[int], str]
    rate_limit: Callable[[Fake, int], None]  # 429 with the platform's Retry-After
    rate_limit_says: Callable[[int], str]
    expire: Callable[[Fake, Any], None]  # the platform no longer takes the account's token
    expired_says: str  # in the delivery's last error
    expired_problem: str  # in the account's problem and the admins' mail
    refusals: list[Refusal]
    citizen_writes: Callable[[Fake, Part, str, int], Written]  # the n-th message
    answers: Callable[[Fake], list[Part]]  # the office's answers to citizens
    replies_to_answer: Callable[[Fake, Part, Written], None]  # the citizen answers ours
    answer_text: Callable[[str], str] = lambda text: text
    threads: Threads | None = None
    needs_image: bool = False
    alt_texts: bool = True
    server_error_statuses: tuple[int, ...] = (503,)
    drop: Callable[[Fake], None] = lambda fake: fake.drop_after_handling_next()
    image_post_id: Callable[[list[Part]], str] = lambda parts: parts[0].id
    answers_found_after_loss: bool = True
    # A citizen writes ``text`` in the thread our answer to ``Written`` goes into, where
    # the check before retry reads everybody's replies (the comment threads of Facebook,
    # Instagram and LinkedIn): a reply not by the account must never be taken for ours.
    citizen_replies_in_thread: Callable[[Fake, Written, str], Any] | None = None
    lost_answer_says: str = "network"  # the delivery's error after a connection broke
    # The address of a post found after a lost answer, if the platform says it otherwise.
    found_url: Callable[[Fake, Part], str] = lambda fake, part: part.url

    def __repr__(self) -> str:
        return self.name


def multipart_fields(requests) -> list[dict]:
    return [request.multipart() for request in requests]


def image(number: int, file=None) -> dict:
    """The arguments of lifecycle.add_image for the post's ``number``-th image."""
    return {
        "file": file or png(f"bild-{number}.png", colour=(number * 40, 90, 60), size=(40, 30)),
        "alt_text": f"Bild {number}",
        "author": "Pressestelle",
        "licence": "CC0",
    }


def each(platforms):
    """Run a test for each of ``platforms``, named by the platform."""
    return pytest.mark.parametrize("platform", platforms, ids=[p.name for p in platforms])
