"""What the contract needs to know of each platform: how to connect the office's account to
its fake, how to read back what the platform holds, how to script its trouble in the
platform's own shape, and the few ways the platforms differ (Instagram takes image posts
only; Facebook, Instagram and LinkedIn don't thread; Telegram has no alt text, reads its
Retry-After from the answer's body and names every message of an album; the cursors are
ids, times or update numbers). One entry per fake in tests/fakes/."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest

from rathaus.connectors.platforms._x_text import weighted_length
from rathaus.lib.graphemes import graphemes
from tests.fakes import mastodon as mastodon_fake
from tests.fakes import telegram as telegram_fake
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.graph import IG_ID, PAGE_ID, FakeGraph
from tests.fakes.linkedin import ORGANIZATION, LinkedInFake
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import FakeServer
from tests.fakes.telegram import CHANNEL, FIRST_BOT, FIRST_CHANNEL, FakeTelegram
from tests.fakes.x import FakeX
from tests.helpers import png

Fake = Any  # one of the fakes; each entry knows which


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
    lost_answer_says: str = "network"  # the delivery's error after a connection broke
    # The address of a post found after a lost answer, if the platform says it otherwise.
    found_url: Callable[[Fake, Part], str] = lambda fake, part: part.url
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return self.name


def _multipart_fields(requests) -> list[dict]:
    return [request.multipart() for request in requests]


# ----- Mastodon ---------------------------------------------------------------------------


def _mastodon_part(status) -> Part:
    url = f"https://social.example/@bezirksamt/{status.id}"
    return Part(status.id, status.text, status.in_reply_to_id or "", url)


def _mastodon_writes(fake: FakeMastodon, ours: Part, text: str, n: int) -> Written:
    status = fake.mention(text)
    return Written(status.id, str(max(int(item["id"]) for item in fake.notifications)))


MASTODON = Platform(
    name="mastodon",
    fake=FakeMastodon,
    connect=lambda fake, connect_account: fake.connect(connect_account),
    posts=lambda fake: [
        _mastodon_part(s) for s in fake.posted() if not s.in_reply_to_id or _is_thread(fake, s)
    ],
    post_path=r"^/api/v1/statuses$",
    answer_path=r"^/api/v1/statuses$",
    lookup=lambda fake: fake.calls("GET", rf"^/api/v1/accounts/{fake.office.id}/statuses$"),
    sent_images=lambda fake: [
        SentImage(fields["description"][0].decode(), fields["file"][0])
        for fields in _multipart_fields(fake.calls("POST", r"^/api/v2/media$"))
    ],
    server_error=lambda fake, status: fake.fail_next(
        status, body="<html>Service Unavailable</html>", path=r"/statuses$"
    ),
    server_error_says=lambda status: "Service Unavailable",
    rate_limit=lambda fake, seconds: fake.fail_next(
        429,
        headers={"Retry-After": str(seconds)},
        body={"error": "Too many requests"},
        path=r"/statuses$",
    ),
    rate_limit_says=lambda seconds: "rate limit",
    expire=lambda fake, account: fake.expire(account.access_token),
    expired_says="The access token expired",
    expired_problem="The access token expired",
    refusals=[
        Refusal(
            "400",
            lambda fake: fake.fail_next(
                400, body={"error": "Bad request: language is invalid"}, path=r"/statuses$"
            ),
            says=("language is invalid",),
        )
    ],
    citizen_writes=_mastodon_writes,
    answers=lambda fake: [
        _mastodon_part(s) for s in fake.posted() if s.in_reply_to_id and not _is_thread(fake, s)
    ],
    replies_to_answer=lambda fake, answer, question: fake.mention("Danke!", in_reply_to=answer.id),
    answer_text=lambda text: f"@anwohnerin@other.example {text}",
    threads=Threads(
        body="Die Sanierung der Lindenallee beginnt am Montag mit der Sperrung der Fahrbahn. " * 15,
        length=mastodon_fake.length,
        max_chars=500,
        fail_second_part=lambda fake: fake.fail_next_reply(503),
    ),
)


def _is_thread(fake: FakeMastodon, status) -> bool:
    """A status of ours that answers another of ours: a thread's part, not an answer."""
    parent = fake.statuses.get(status.in_reply_to_id)
    return parent is not None and parent.account.id == fake.office.id


# ----- Bluesky ----------------------------------------------------------------------------


def _bluesky_part(fake: FakeBluesky, record) -> Part:
    parent = record.value.get("reply", {}).get("parent", {}).get("uri", "")
    url = f"https://bsky.app/profile/{fake.owner.handle}/post/{record.rkey}"
    return Part(record.uri, record.value["text"], parent, url)


def _bluesky_ours(fake: FakeBluesky) -> set[str]:
    return {r.uri for r in fake.posts(fake.owner.did)}


def _bluesky_images(fake: FakeBluesky) -> list[SentImage]:
    uploads = fake.calls("POST", r"uploadBlob$")
    embeds = [r.value.get("embed", {}) for r in fake.posts(fake.owner.did)]
    alts = [image["alt"] for embed in embeds for image in embed.get("images", [])]
    return [SentImage(alt, upload.body) for alt, upload in zip(alts, uploads, strict=True)]


def _bluesky_writes(fake: FakeBluesky, ours: Part, text: str, n: int) -> Written:
    record = fake.citizen_post(text, reply_to=ours.id)
    return Written(record.uri, record.indexed_at)


def _bluesky_expire(fake: FakeBluesky, account) -> None:
    fake.expire(account.access_token)
    fake.expire(account.refresh_token)


BLUESKY = Platform(
    name="bluesky",
    fake=FakeBluesky,
    connect=lambda fake, connect_account: fake.connect(connect_account),
    posts=lambda fake: [
        _bluesky_part(fake, r)
        for r in fake.posts(fake.owner.did)
        if r.value.get("reply", {}).get("parent", {}).get("uri", "") in ("", *_bluesky_ours(fake))
    ],
    post_path=r"createRecord$",
    answer_path=r"createRecord$",
    lookup=lambda fake: fake.calls("GET", r"listRecords$"),
    sent_images=_bluesky_images,
    server_error=lambda fake, status: fake.fail_next(
        status,
        body={"error": "UpstreamFailure", "message": "Upstream Failure"},
        path="createRecord",
    ),
    server_error_says=lambda status: "Upstream Failure",
    rate_limit=lambda fake, seconds: fake.fail_next(
        429, headers={"Retry-After": str(seconds)}, path=r"createRecord$"
    ),
    rate_limit_says=lambda seconds: "429",
    expire=_bluesky_expire,
    expired_says="ExpiredToken",
    expired_problem="ExpiredToken",
    refusals=[
        Refusal(
            "400",
            lambda fake: fake.fail_next(
                400,
                body={
                    "error": "InvalidRequest",
                    "message": "Invalid app.bsky.feed.post record: "
                    "Record/langs/0 must be a valid language code",
                },
                path="createRecord",
            ),
            exactly="Bluesky: InvalidRequest: Invalid app.bsky.feed.post record: "
            "Record/langs/0 must be a valid language code",
        ),
        Refusal(
            "413-not-json",
            lambda fake: fake.fail_next(
                413, body="<html>Request Entity Too Large</html>", path="createRecord"
            ),
            says=("413",),
        ),
    ],
    citizen_writes=_bluesky_writes,
    answers=lambda fake: [
        _bluesky_part(fake, r)
        for r in fake.posts(fake.owner.did)
        if r.value.get("reply", {}).get("parent", {}).get("uri", "")
        not in ("", *_bluesky_ours(fake))
    ],
    replies_to_answer=lambda fake, answer, question: fake.citizen_post(
        "Danke!", reply_to=answer.id
    ),
    threads=Threads(
        body=" ".join(
            f"Satz {n}: Die Sanierung der Brücke am Kanal dauert bis Herbst." for n in range(14)
        ),
        length=graphemes,
        max_chars=300,
        fail_second_part=lambda fake: fake.fail_post(2),
    ),
    server_error_statuses=(502,),
)


# ----- X ------------------------------------------------------------------------------------


def _x_part(tweet: dict) -> Part:
    return Part(
        tweet["id"],
        tweet["posted"],
        tweet["reply_to"],
        f"https://x.com/ba_mitte/status/{tweet['id']}",
    )


def _x_ours(fake: FakeX) -> set[str]:
    return {t["id"] for t in fake.posts_of("1")}


def _x_writes(fake: FakeX, ours: Part, text: str, n: int) -> Written:
    tweet_id = fake.mention(text)
    return Written(tweet_id, tweet_id)  # the cursor is X's newest id


X = Platform(
    name="x",
    fake=FakeX,
    connect=lambda fake, connect_account: fake.connect(connect_account),
    posts=lambda fake: [
        _x_part(t) for t in fake.posts_of("1") if t["reply_to"] in ("", *_x_ours(fake))
    ],
    post_path=r"^/2/tweets$",
    answer_path=r"^/2/tweets$",
    lookup=lambda fake: fake.calls("GET", r"^/2/users/1/tweets$"),
    sent_images=lambda fake: [SentImage(m["alt"], m["data"]) for m in fake.media.values()],
    server_error=lambda fake, status: fake.fail_tweet_number(1, status=status),
    server_error_says=str,
    rate_limit=lambda fake, seconds: fake.fail_next(
        429,
        headers={"Retry-After": str(seconds), "x-rate-limit-reset": str(int(time.time()) + 5)},
        body={"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
        path=r"^/2/tweets$",
    ),
    rate_limit_says=lambda seconds: "429",
    expire=lambda fake, account: fake.expire(account.access_token),
    expired_says="401",
    expired_problem="401",
    refusals=[
        Refusal(
            "400",
            lambda fake: fake.fail_next(
                400,
                body={
                    "errors": [
                        {"parameters": {"text": ["…"]}, "message": "text is not valid UTF-8"}
                    ],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
                path=r"^/2/tweets$",
            ),
            exactly="X: 400 text is not valid UTF-8",
        ),
        Refusal(
            "403-not-permitted",
            lambda fake: fake.fail_next(
                403,
                body={
                    "title": "Forbidden",
                    "detail": "You are not permitted to perform this action.",
                    "type": "about:blank",
                    "status": 403,
                },
                path=r"^/2/tweets$",
            ),
            says=("You are not permitted to perform this action.",),
        ),
    ],
    citizen_writes=_x_writes,
    answers=lambda fake: [
        _x_part(t) for t in fake.posts_of("1") if t["reply_to"] not in ("", *_x_ours(fake))
    ],
    replies_to_answer=lambda fake, answer, question: fake.reply("Danke!", to=answer.id),
    threads=Threads(
        body=" ".join(
            f"Satz {n}: Die Lindenallee wird zwischen Hauptstraße und Markt gesperrt."
            for n in range(12)
        ),
        length=weighted_length,
        max_chars=280,
        fail_second_part=lambda fake: fake.fail_tweet_number(2, status=503),
    ),
)


# ----- Facebook and Instagram (one fake: Meta's Graph API) ---------------------------------


def _meta_time(n: int) -> float:
    """The n-th citizen's comment: two minutes ago, then ten seconds ago."""
    return time.time() - 120 + (n - 1) * 110


def _facebook_writes(fake: FakeGraph, ours: Part, text: str, n: int) -> Written:
    at = _meta_time(n)
    return Written(fake.comment(ours.id, text, at=at), str(int(at)))


def _instagram_writes(fake: FakeGraph, ours: Part, text: str, n: int) -> Written:
    at = _meta_time(n)
    return Written(fake.ig_comment(ours.id, text, at=at), str(int(at)))


def _meta_answers(fake: FakeGraph, author: str) -> list[Part]:
    return [
        Part(c["id"], c["text"], c["parent"] or c["on"])
        for c in fake.comments.values()
        if c["author"]["id"] == author
    ]


def _facebook_images(fake: FakeGraph) -> list[SentImage]:
    uploads = _multipart_fields(fake.calls("POST", rf"^/v21\.0/{PAGE_ID}/photos$"))
    return [SentImage(f["alt_text_custom"][0].decode(), f["source"][0]) for f in uploads]


def _instagram_images(fake: FakeGraph) -> list[SentImage]:
    items = [c for c in fake.containers.values() if c["media_type"] != "CAROUSEL"]
    return [SentImage(c["alt_text"], url=c["image_url"]) for c in items]


def _meta_refusal(name, code, message, *, status=400, subcode=0, path, exactly="", starts=""):
    return Refusal(
        name,
        lambda fake: fake.error_next(code, message, status=status, subcode=subcode, path=path),
        exactly=exactly,
        starts=starts,
    )


FACEBOOK = Platform(
    name="facebook",
    fake=FakeGraph,
    connect=lambda fake, connect_account: fake.connect(connect_account),
    posts=lambda fake: [
        Part(p["id"], p["message"], url=f"https://www.facebook.com/{p['id']}")
        for p in fake.posts.values()
        if p["page"] == PAGE_ID
    ],
    post_path=r"/feed$",
    answer_path=r"/comments$",
    lookup=lambda fake: fake.calls("GET", rf"^/v21\.0/{PAGE_ID}/posts$"),
    sent_images=_facebook_images,
    server_error=lambda fake, status: fake.fail_next(status, path=r"/feed$"),
    server_error_says=lambda status: f"HTTP {status}",
    rate_limit=lambda fake, seconds: fake.fail_next(
        429, headers={"Retry-After": str(seconds)}, path=r"/feed$"
    ),
    rate_limit_says=lambda seconds: "429",
    expire=lambda fake, account: fake.expire(account.access_token),
    expired_says="Session has expired",
    expired_problem="code 190/463",
    refusals=[
        _meta_refusal(
            f"{code}",
            code,
            message,
            status=status,
            path=r"/feed$",
            exactly=f"Facebook: {message} (code {code}, fbtrace_id AbCdEfGh123)",
        )
        for code, message, status in [
            (100, "(#100) Invalid parameter", 400),
            (200, "(#200) The user hasn't authorized the application to perform this action", 403),
            (
                368,
                "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
                400,
            ),
            (506, "(#506) Duplicate status message", 400),
        ]
    ],
    citizen_writes=_facebook_writes,
    answers=lambda fake: _meta_answers(fake, PAGE_ID),
    found_url=lambda fake, part: fake.posts[part.id]["permalink_url"],
    replies_to_answer=lambda fake, answer, question: fake.comment(answer.id, "Danke!"),
    answers_found_after_loss=False,  # today an answer whose reply got lost goes twice
)

INSTAGRAM = Platform(
    name="instagram",
    fake=FakeGraph,
    connect=lambda fake, connect_account: fake.connect(connect_account, "instagram"),
    posts=lambda fake: [
        Part(m["id"], m["caption"], url=m["permalink"])
        for m in fake.media.values()
        if m["ig"] == IG_ID
    ],
    post_path=r"/media_publish$",
    answer_path=r"/replies$",
    lookup=lambda fake: fake.calls("GET", rf"^/v21\.0/{IG_ID}/media$"),
    sent_images=_instagram_images,
    server_error=lambda fake, status: fake.fail_next(status, path=r"/media_publish$"),
    server_error_says=lambda status: f"HTTP {status}",
    rate_limit=lambda fake, seconds: fake.fail_next(
        429, headers={"Retry-After": str(seconds)}, path=r"/media_publish$"
    ),
    rate_limit_says=lambda seconds: "429",
    expire=lambda fake, account: fake.expire(account.access_token),
    expired_says="Session has expired",
    expired_problem="code 190/463",
    refusals=[
        _meta_refusal(
            "9004-download",
            9004,
            "Media download has failed. The media URI doesn't meet our requirements.",
            subcode=2207052,
            path=r"/media$",
            starts="Instagram: Media download has failed. The media URI doesn't meet our "
            "requirements. (code 9004/2207052",
        )
    ],
    citizen_writes=_instagram_writes,
    answers=lambda fake: _meta_answers(fake, IG_ID),
    # Replies go below top-level comments only: the citizen answers in their comment's thread.
    replies_to_answer=lambda fake, answer, question: fake.ig_comment(
        question.id, "@bezirksamt.mitte Danke!"
    ),
    needs_image=True,
    drop=lambda fake: fake.drop_after_handling(r"/media_publish$"),
    answers_found_after_loss=False,  # today an answer whose reply got lost goes twice
)


# ----- LinkedIn ------------------------------------------------------------------------------


def _linkedin_images(fake: LinkedInFake) -> list[SentImage]:
    [post] = fake.live_posts()
    content = post.get("content", {})
    attached = content["multiImage"]["images"] if "multiImage" in content else [content["media"]]
    return [SentImage(item["altText"], fake.images[item["id"]]["data"]) for item in attached]


def _linkedin_writes(fake: LinkedInFake, ours: Part, text: str, n: int) -> Written:
    at_ms = 1_900_000_000_000 + (n - 1) * 905_000
    return Written(fake.add_comment(ours.id, text, at_ms=at_ms), str(at_ms))


LINKEDIN = Platform(
    name="linkedin",
    fake=LinkedInFake,
    connect=lambda fake, connect_account: fake.connect(connect_account),
    posts=lambda fake: [
        Part(p["id"], p["text"], url=f"https://www.linkedin.com/feed/update/{p['id']}/")
        for p in fake.live_posts()
    ],
    post_path=r"^/rest/posts$",
    answer_path=r"^/rest/socialActions/[^/]+/comments$",
    lookup=lambda fake: fake.calls("GET", r"^/rest/posts$"),
    sent_images=_linkedin_images,
    server_error=lambda fake, status: fake.fail_next(
        status, body={"status": status, "message": "Service Unavailable"}, path=r"^/rest/posts$"
    ),
    server_error_says=lambda status: "Service Unavailable",
    rate_limit=lambda fake, seconds: fake.fail_next(
        429,
        headers={"Retry-After": str(seconds)},
        body={
            "status": 429,
            "serviceErrorCode": 101,
            "code": "TOO_MANY_REQUESTS",
            "message": "Resource level throttle APPLICATION DAY limit for calls to this "
            "resource is reached.",
        },
        path=r"^/rest/posts$",
    ),
    rate_limit_says=lambda seconds: "Resource level throttle",
    expire=lambda fake, account: setattr(fake.tokens[account.access_token], "expires_at", 0),
    expired_says="The token used in the request has expired",
    expired_problem="EXPIRED_ACCESS_TOKEN",
    refusals=[
        Refusal(
            "422-duplicate",
            lambda fake: fake.fail_next(
                422,
                body={
                    "errorDetailType": "com.linkedin.common.error.BadRequest",
                    "message": "Content is a duplicate of urn:li:share:7100000000000000001",
                    "errorDetails": {
                        "inputErrors": [
                            {
                                "description": "Duplicate post is detected",
                                "input": {},
                                "code": "DUPLICATE_POST",
                            }
                        ]
                    },
                    "status": 422,
                },
                path=r"^/rest/posts$",
            ),
            says=("Content is a duplicate of urn:li:share:7100000000000000001", "DUPLICATE_POST"),
        ),
        Refusal(
            "403-permission",
            lambda fake: fake.fail_next(
                403,
                body={
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": "Not enough permissions to access: "
                    "partnerApiPostsExternal.CREATE.20240901",
                },
                path=r"^/rest/posts$",
            ),
            says=("Not enough permissions to access",),
        ),
    ],
    citizen_writes=_linkedin_writes,
    answers=lambda fake: [
        Part(
            c["$URN"],
            c["message"]["text"],
            c.get("parentComment", ""),
            f"https://www.linkedin.com/feed/update/{c['object']}/"
            f"?commentUrn={quote(c['$URN'], safe='')}",
        )
        for c in fake.comments.values()
        if c["actor"] == ORGANIZATION
    ],
    replies_to_answer=lambda fake, answer, question: fake.add_comment(
        fake.live_posts()[0]["id"],
        "Danke!",
        parent=answer.reply_to,  # LinkedIn nests one level: beside our answer
        at_ms=1_900_000_000_000 + 3 * 905_000,
    ),
    answers_found_after_loss=False,  # today an answer whose reply got lost goes twice
)


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
    for fields in _multipart_fields(fake.calls("POST", r"/sendPhoto$")):
        found.append(SentImage(None, fields["photo"][0]))
    for fields in _multipart_fields(fake.calls("POST", r"/sendMediaGroup$")):
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


PLATFORMS = [MASTODON, BLUESKY, X, FACEBOOK, INSTAGRAM, LINKEDIN, TELEGRAM]


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
