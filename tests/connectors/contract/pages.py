"""The entries of the platforms of pages and organisations: Facebook and Instagram (one
fake, Meta's Graph API), and LinkedIn."""

from __future__ import annotations

import time
from urllib.parse import quote

from tests.connectors.contract.table import (
    Part,
    Platform,
    Refusal,
    SentImage,
    Written,
    multipart_fields,
)
from tests.fakes.graph import IG_ID, PAGE_ID, FakeGraph
from tests.fakes.linkedin import ORGANIZATION, LinkedInFake

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
    uploads = multipart_fields(fake.calls("POST", rf"^/v21\.0/{PAGE_ID}/photos$"))
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
    answers_found_after_loss=True,
    citizen_replies_in_thread=lambda fake, question, text: fake.comment(question.id, text),
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
    answers_found_after_loss=True,
    citizen_replies_in_thread=lambda fake, question, text: fake.ig_comment(question.id, text),
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
    answers_found_after_loss=True,
    citizen_replies_in_thread=lambda fake, question, text: fake.add_comment(
        fake.live_posts()[0]["id"], text, parent=question.id
    ),
)
