"""The entries of the three platforms that thread: Mastodon, Bluesky and X."""

from __future__ import annotations

import time

from rathaus.connectors.platforms._x_text import weighted_length
from rathaus.lib.graphemes import graphemes
from tests.connectors.contract.table import (
    Part,
    Platform,
    Refusal,
    SentImage,
    Threads,
    Written,
    multipart_fields,
)
from tests.fakes import mastodon as mastodon_fake
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.x import FakeX

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
        for fields in multipart_fields(fake.calls("POST", r"^/api/v2/media$"))
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
