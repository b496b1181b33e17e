"""A fake of Meta's Graph API (v21.0) as far as Rathaus uses it, for the Facebook page and
Instagram business account connectors and the benchmark.

Two kinds of accounts live in it: Facebook pages (a page token each) and Instagram
business accounts, each linked to a page and reached with that page's token. A user
(for the OAuth flow) manages pages. Shapes as Meta documents them:

- errors: HTTP 4xx/5xx with ``{"error": {"message", "type", "code", "error_subcode",
  "fbtrace_id"}}`` — an expired token is code 190 / subcode 463 (HTTP 400), rate limits
  are codes 4/17/32/613/80001/80002 with ``X-Business-Use-Case-Usage`` naming
  ``estimated_time_to_regain_access`` in minutes;
- every answer carries ``X-App-Usage`` (percent of the app's hourly calls);
- lists are ``{"data": [...], "paging": {"cursors": {"before", "after"}, "next"}}``;
- times look like ``2024-05-01T12:00:00+0000``.

The token is accepted in the Authorization header (Bearer) or as ``access_token``.
For the benchmark: ``FakeGraph()``, ``start()``, ``url``, ``posts_by_account()`` and
``connection_values(platform, index)`` (fields of a ConnectedAccount this fake accepts;
more accounts are made on demand).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.server import FakeServer, Request, Response
from tests.helpers import png, publish  # noqa: F401 (png: for the tests that take it from here)

V = r"/v21\.0"
ID = r"(?P<id>[0-9_]+)"
PAGE_ID = "104523871234567"
IG_ID = "17841400000000001"
APP_ID, APP_SECRET = "4711", "app-secret-4711"
USER_TOKEN = "EAAG-user-short"  # what the OAuth code exchange hands out
EXPIRED = {
    "message": "Error validating access token: Session has expired on Friday, 01-Mar-24 "
    "10:00:00 PST. The current time is Friday, 01-Mar-24 11:00:00 PST.",
    "type": "OAuthException",
    "code": 190,
    "error_subcode": 463,
}
RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "There have been too many calls to this Page account. Wait a bit and try again.",
    80002: "There have been too many calls to this Instagram account. Wait a bit and try again.",
}


def stamp(epoch: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(epoch or time.time()))


def error(code: int, message: str, *, status: int = 400, subcode: int = 0, **extra: Any):
    body = {"message": message, "type": extra.pop("kind", "OAuthException"), "code": code}
    body |= {"error_subcode": subcode} if subcode else {}
    return Response(status, {"error": body | {"fbtrace_id": "AbCdEfGh123"} | extra})


def missing(object_id: str) -> Response:
    return error(
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        subcode=33,
        kind="GraphMethodException",
    )


def fields_of(request: Request) -> dict[str, str | None]:
    return fields_of_text(request.arg("fields"))


def fields_of_text(fields: str) -> dict[str, str | None]:
    """``a,b{c,d}`` → {"a": None, "b": "c,d"}."""
    found: dict[str, str | None] = {}
    depth, name, sub = 0, "", ""
    for char in fields + ",":
        if char == "," and depth == 0:
            if name:
                found[name.strip()] = sub or None
            name, sub = "", ""
        elif char == "{":
            depth += 1
            if depth > 1:
                sub += char
        elif char == "}":
            depth -= 1
            if depth > 0:
                sub += char
        elif depth:
            sub += char
        else:
            name += char
    return found


def pick(item: dict, wanted: dict[str, str | None]) -> dict:
    return {"id": item["id"]} | {k: item[k] for k in wanted if k in item and k != "id"}


class FakeGraph(FakeServer):
    """One Meta app, one user who manages the pages, and the page "Bezirksamt Mitte"
    (PAGE_ID) with its Instagram account "bezirksamt.mitte" (IG_ID)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids = itertools.count(10**15 + 1)
        self.tokens: dict[str, dict] = {}  # token → kind ("page"/"user"), page/user, expired
        self.pages: dict[str, dict] = {}
        self.instagram: dict[str, dict] = {}
        self.users: dict[str, dict] = {"7001": {"id": "7001", "pages": []}}
        self.codes = {"code-1": "7001"}  # OAuth authorisation codes → user
        self.posts: dict[str, dict] = {}
        self.photos: dict[str, dict] = {}
        self.comments: dict[str, dict] = {}  # Facebook and Instagram comments
        self.containers: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.processing_polls = 0  # a new container answers IN_PROGRESS this many times
        self.container_error = False  # new containers fail (an image Instagram refuses)
        self.drop_paths: list[str] = []
        self.refuse_duplicates = True  # Facebook's "(#506) Duplicate status message"
        self.answered = 0
        self.tokens[USER_TOKEN] = {"kind": "user", "user": "7001"}
        self.add_page(PAGE_ID, "Bezirksamt Mitte", instagram=(IG_ID, "bezirksamt.mitte"))
        self._routes()

    # ----- accounts -------------------------------------------------------------------

    def add_page(self, page_id: str, name: str, *, instagram: tuple[str, str] | None = None):
        token = f"EAAG-page-{page_id}"
        self.pages[page_id] = {"id": page_id, "name": name, "token": token, "ig": None}
        self.tokens[token] = {"kind": "page", "page": page_id}
        self.users["7001"]["pages"].append(page_id)
        if instagram:
            ig_id, username = instagram
            self.instagram[ig_id] = {"id": ig_id, "username": username, "page": page_id}
            self.pages[page_id]["ig"] = ig_id
        return token

    def token_of(self, page_id: str) -> str:
        return self.pages[page_id]["token"]

    def expire(self, token: str) -> None:
        self.tokens[token]["expired"] = True

    def new_token(self, page_id: str = PAGE_ID) -> str:
        """Another page token for ``page_id`` (as a reconnecting admin would paste)."""
        token = f"EAAG-page-{page_id}-{next(self.ids)}"
        self.tokens[token] = {"kind": "page", "page": page_id}
        return token

    def connection_values(self, platform: str = "facebook", index: int = 0) -> dict[str, Any]:
        """remote_id, name, access_token and details of a ConnectedAccount on this fake."""
        page_ids = sorted(self.pages)
        while len(page_ids) <= index:
            page_id = str(int(PAGE_ID) + len(page_ids))
            ig_id = str(int(IG_ID) + len(page_ids))
            self.add_page(page_id, f"Amt {page_id}", instagram=(ig_id, f"amt.{page_id}"))
            page_ids = sorted(self.pages)
        page = self.pages[page_ids[index]]
        if platform == "facebook":
            return {"remote_id": page["id"], "name": page["name"], "access_token": page["token"]}
        ig = self.instagram[page["ig"]]
        return {
            "remote_id": ig["id"],
            "name": ig["username"],
            "access_token": page["token"],
            "details": {"username": ig["username"]},
        }

    def connect(self, connect_account: Callable, platform: str = "facebook", **fields: Any):
        """The office's page (or its Instagram account) connected to this server (tests'
        ``connect_account``)."""
        values = self.connection_values(platform) | fields
        return connect_account(platform, api_base=self.url, **values)

    def credentials(self, platform: str = "facebook", index: int = 0) -> dict[str, str]:
        """What an admin pastes to connect (``accounts.connect``)."""
        values = self.connection_values(platform, index)
        key = "page_id" if platform == "facebook" else "instagram_account_id"
        return {key: values["remote_id"], "access_token": values["access_token"]}

    def posts_by_account(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for post in self.posts.values():
            found.setdefault(post["page"], []).append(post["message"])
        for media in self.media.values():
            found.setdefault(media["ig"], []).append(media["caption"])
        return found

    # ----- what citizens do, and scripted trouble --------------------------------------

    def comment(self, on: str, text: str, *, name="Anna Anwohnerin", user="5550001", at=None):
        """A citizen comments on a Facebook post (or replies to a comment)."""
        parent = self.comments.get(on)
        post_id = parent["on"] if parent else on
        top = (parent.get("parent") or parent["id"]) if parent else None
        return self._comment(post_id, text, {"id": user, "name": name}, top, at)

    def ig_comment(self, on: str, text: str, *, username="anna.anwohnerin", at=None) -> str:
        """A citizen comments on Instagram media (or replies to a comment)."""
        parent = self.comments.get(on)
        media_id = parent["on"] if parent else on
        author = {"id": str(next(self.ids)), "username": username}
        return self._comment(media_id, text, author, parent["id"] if parent else None, at)

    def throttle_next(self, *, code: int = 32, minutes: int = 5, path: str | None = None):
        """The next call (to ``path``) hits a rate limit Meta lifts in ``minutes``."""
        usage = {"type": "pages", "call_count": 100, "total_cputime": 12, "total_time": 35}
        header = {PAGE_ID: [usage | {"estimated_time_to_regain_access": minutes}]}
        body = {"message": RATE_MESSAGES[code], "type": "OAuthException", "code": code}
        headers = {"X-Business-Use-Case-Usage": json.dumps(header)}
        self.fail_next(400, headers=headers, body={"error": body}, path=path)

    def drop_after_handling(self, path: str) -> None:
        """Like ``drop_after_handling_next``, for the next request to ``path`` only (e.g.
        media_publish, after the container calls went through)."""
        with self.lock:
            self.drop_paths.append(path)

    def error_next(self, code: int, message: str, *, status=400, subcode=0, path=None) -> None:
        """The next call (to ``path``) answers this Graph error."""
        answer = error(code, message, status=status, subcode=subcode)
        self.fail_next(status, body=answer.body, path=path)

    # ----- plumbing -------------------------------------------------------------------

    def _dispatch(self, request: Request) -> Response:
        response = super()._dispatch(request)
        with self.lock:
            if self.drop_paths and re.search(self.drop_paths[0], request.path):
                self.drop_paths.pop(0)
                self.drops += 1  # FakeServer drops this very answer
            self.answered += 1
            usage = {"call_count": self.answered % 100, "total_cputime": 1, "total_time": 2}
        response.headers.setdefault("X-App-Usage", json.dumps(usage))
        found = re.match(rf"{V}/{ID}", request.path)
        owner = self._owner(found.group("id")) if found else None
        if owner and "X-Business-Use-Case-Usage" not in response.headers:
            business = {"type": "pages", "call_count": 1, "total_cputime": 1, "total_time": 1}
            business["estimated_time_to_regain_access"] = 0
            response.headers["X-Business-Use-Case-Usage"] = json.dumps({owner: [business]})
        return response

    def _caller(self, request: Request) -> tuple[dict | None, Response | None]:
        token = request.bearer or request.arg("access_token")
        found = self.tokens.get(token)
        if found is None:
            answer = error(190, "Invalid OAuth access token - Cannot parse access token")
            return None, answer
        if found.get("expired"):
            return None, Response(400, {"error": EXPIRED | {"fbtrace_id": "AbCdEfGh123"}})
        return found, None

    def _may(self, caller: dict, page_id: str, *, as_page: bool = False) -> bool:
        if caller["kind"] == "page":
            return caller["page"] == page_id
        return not as_page and page_id in self.users[caller["user"]]["pages"]

    def _owner(self, object_id: str) -> str | None:
        """The page a Graph object belongs to (for Instagram: the linked page)."""
        for table in (self.posts, self.photos, self.comments, self.containers, self.media):
            if object_id in table:
                return table[object_id]["page"]
        if object_id in self.instagram:
            return self.instagram[object_id]["page"]
        return object_id if object_id in self.pages else None

    def _guarded(self, request: Request, object_id: str, *, as_page: bool = False):
        caller, refused = self._caller(request)
        if refused:
            return None, refused
        owner = self._owner(object_id)
        if owner is None:
            return None, missing(object_id)
        if not self._may(caller, owner, as_page=as_page):
            return None, error(200, "(#200) Permissions error", status=403)
        return caller, None

    def _list(self, request: Request, path: str, items: list[dict]) -> Response:
        limit = int(request.arg("limit") or 25)
        start = int(base64.b64decode(request.arg("after") or "MA==").decode())
        data = items[start : start + limit]
        paging = {"cursors": {"before": "MA==", "after": base64.b64encode(b"0").decode()}}
        if start + limit < len(items):
            after = base64.b64encode(str(start + limit).encode()).decode()
            paging = {"cursors": {"before": "MA==", "after": after}}
            paging["next"] = f"{self.url}/v21.0/{path}?after={after}&limit={limit}"
        return Response(200, {"data": data, "paging": paging})

    def _comment(self, on: str, text: str, author: dict, parent: str | None, at) -> str:
        comment_id = f"{on.split('_')[-1]}_{next(self.ids)}"
        table = self.posts if on in self.posts else self.media
        self.comments[comment_id] = {
            "id": comment_id,
            "on": on,
            "page": table[on]["page"],
            "instagram": on in self.media,
            "parent": parent,
            "text": text,
            "author": author,
            "created": at or time.time(),
            "hidden": False,
        }
        return comment_id

    # ----- routes ---------------------------------------------------------------------

    def _routes(self) -> None:
        for method, path, handler in (
            ("GET", "/oauth/access_token", self._oauth),
            ("POST", "/oauth/access_token", self._oauth),
            ("GET", "/me/accounts", self._accounts),
            ("GET", "/me", self._me),
            ("POST", f"/{ID}/feed", self._feed),
            ("POST", f"/{ID}/photos", self._photo),
            ("GET", f"/{ID}/posts", self._posts),
            ("GET", f"/{ID}/comments", self._comments),
            ("POST", f"/{ID}/comments", self._reply_facebook),
            ("POST", f"/{ID}/media", self._container),
            ("POST", f"/{ID}/media_publish", self._publish),
            ("GET", f"/{ID}/media", self._media_list),
            ("POST", f"/{ID}/replies", self._reply_instagram),
            ("GET", f"/{ID}/replies", self._replies_instagram),
            ("GET", f"/{ID}", self._read),
            ("POST", f"/{ID}", self._update),
            ("DELETE", f"/{ID}", self._delete),
        ):
            self.route(method, V + path)(handler)

    def _oauth(self, request: Request) -> Response:
        if request.arg("client_id") != APP_ID:
            return error(101, "Error validating application. Invalid application ID.")
        if request.arg("client_secret") != APP_SECRET:
            return error(1, "Error validating client secret.")
        if request.arg("grant_type") == "fb_exchange_token":
            short = self.tokens.get(request.arg("fb_exchange_token"))
            if not short or short["kind"] != "user" or short.get("expired"):
                return error(190, "Invalid OAuth access token - Cannot parse access token")
            token = f"EAAG-user-long-{next(self.ids)}"
            self.tokens[token] = {"kind": "user", "user": short["user"]}
            return Response(
                200, {"access_token": token, "token_type": "bearer", "expires_in": 5183944}
            )
        if self.codes.pop(request.arg("code"), None) is None:
            return error(100, "This authorization code has been used.", subcode=36009)
        return Response(
            200, {"access_token": USER_TOKEN, "token_type": "bearer", "expires_in": 3600}
        )

    def _accounts(self, request: Request) -> Response:
        caller, refused = self._caller(request)
        if refused or caller["kind"] != "user":
            return refused or error(100, "(#100) Tried accessing nonexisting field (accounts)")
        wanted, items = fields_of(request), []
        for page in (self.pages[p] for p in self.users[caller["user"]]["pages"]):
            item = {"id": page["id"], "name": page["name"], "access_token": page["token"]}
            item |= {"category": "Government organization", "tasks": ["CREATE_CONTENT"]}
            if page["ig"] and "instagram_business_account" in wanted:
                sub = fields_of_text(wanted["instagram_business_account"] or "id")
                item["instagram_business_account"] = pick(self.instagram[page["ig"]], sub)
            items.append(pick(item, wanted or {"name": None, "access_token": None}))
        return self._list(request, "me/accounts", items)

    def _me(self, request: Request) -> Response:
        caller, refused = self._caller(request)
        if refused:
            return refused
        if caller["kind"] == "page":
            return Response(200, pick(self.pages[caller["page"]], {"name": None}))
        return Response(200, {"id": caller["user"], "name": "Petra Presse"})

    # ----- Facebook -----------------------------------------------------------------

    def _feed(self, request: Request) -> Response:
        page_id = request.params["id"]
        _caller, refused = self._guarded(request, page_id, as_page=True)
        if refused:
            return refused
        message, form = request.arg("message"), request.form()
        keys = sorted(k for k in form if k.startswith("attached_media["))
        photos = [str(json.loads(form[k][0]).get("media_fbid")) for k in keys]
        for index, photo in enumerate(photos):
            known = self.photos.get(photo)
            if not known or known["page"] != page_id or known["published"] or known["post"]:
                return error(100, f"(#100) param attached_media[{index}] has invalid media_fbid")
        if not (message or photos or request.arg("link")):
            return error(100, "(#100) Missing message or attachment")
        newest = next((p for p in reversed(self.posts.values()) if p["page"] == page_id), None)
        if self.refuse_duplicates and message and newest and newest["message"] == message:
            return error(506, "(#506) Duplicate status message")
        post_id = f"{page_id}_{next(self.ids)}"
        self.posts[post_id] = {
            "id": post_id,
            "page": page_id,
            "message": message,
            "link": request.arg("link"),
            "photos": photos,
            "created": time.time(),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{post_id[-16:]}",
        }
        for photo in photos:
            self.photos[photo]["post"] = post_id
        return Response(200, {"id": post_id})

    def _photo(self, request: Request) -> Response:
        page_id = request.params["id"]
        _caller, refused = self._guarded(request, page_id, as_page=True)
        if refused:
            return refused
        parts = request.multipart()
        data, filename = parts.get("source", (b"", ""))
        if not data:
            return error(324, "(#324) Requires upload file")
        photo_id = str(next(self.ids))
        self.photos[photo_id] = {
            "id": photo_id,
            "page": page_id,
            "published": parts.get("published", (b"true", ""))[0] != b"false",
            "alt_text": parts.get("alt_text_custom", (b"", ""))[0].decode(),
            "data": data,
            "filename": filename,
            "post": None,
        }
        return Response(200, {"id": photo_id})

    def _posts(self, request: Request) -> Response:
        page_id = request.params["id"]
        _caller, refused = self._guarded(request, page_id)
        if refused:
            return refused
        wanted = fields_of(request)
        mine = [p for p in reversed(self.posts.values()) if p["page"] == page_id]
        return self._list(request, f"{page_id}/posts", [pick(self._view(p), wanted) for p in mine])

    def _comments(self, request: Request) -> Response:
        on = request.params["id"]
        _caller, refused = self._guarded(request, on)
        if refused:
            return refused
        wanted = fields_of(request)
        parent = self.comments.get(on)
        if parent and parent["instagram"]:
            message = "(#100) Tried accessing nonexisting field (comments) on node type (IGComment)"
            return error(100, message)
        if parent:  # a Facebook comment's replies (Facebook nests two levels deep)
            found = [c for c in self.comments.values() if c["parent"] == on]
        else:
            found = [c for c in self.comments.values() if c["on"] == on]
            if on in self.media or request.arg("filter") != "stream":
                found = [c for c in found if not c["parent"]]
        since = int(request.arg("since") or 0)
        found = sorted((c for c in found if c["created"] >= since), key=lambda c: c["created"])
        if request.arg("order") == "reverse_chronological":
            found.reverse()
        items = [self._with_replies(c, wanted) for c in found]
        return self._list(request, f"{on}/comments", items)

    def _with_replies(self, comment: dict, wanted: dict) -> dict:
        item = pick(self._view(comment), wanted)
        if comment["instagram"] and "replies" in wanted:
            sub = fields_of_text(wanted["replies"] or "id")
            replies = [c for c in self.comments.values() if c["parent"] == comment["id"]]
            item["replies"] = {"data": [pick(self._view(r), sub) for r in replies]}
        return item

    def _reply_facebook(self, request: Request) -> Response:
        on = request.params["id"]
        _caller, refused = self._guarded(request, on, as_page=True)
        if refused:
            return refused
        if not request.arg("message"):
            return error(100, "(#100) Missing message or attachment")
        parent = self.comments.get(on)
        post_id = parent["on"] if parent else on
        top = (parent["parent"] or parent["id"]) if parent else None
        page = self.pages[self._owner(on)]
        author = {"id": page["id"], "name": page["name"]}
        return Response(
            200, {"id": self._comment(post_id, request.arg("message"), author, top, None)}
        )

    # ----- Instagram ----------------------------------------------------------------

    def _container(self, request: Request) -> Response:
        ig_id = request.params["id"]
        _caller, refused = self._guarded(request, ig_id)
        if refused or ig_id not in self.instagram:
            return refused or missing(ig_id)
        container_id = str(next(self.ids))
        fields = {k: request.arg(k) for k in ("caption", "alt_text", "media_type", "image_url")}
        children = [c for c in request.arg("children").split(",") if c]
        if fields["media_type"] == "CAROUSEL":
            if not 2 <= len(children) <= 10 or any(c not in self.containers for c in children):
                return error(100, "(#100) The carousel needs 2 to 10 valid children")
        elif not fields["image_url"].startswith(("https://", "http://")):
            return error(
                9004,
                "Media download has failed. The media URI doesn't meet our requirements.",
                subcode=2207052,
                error_user_msg="The media could not be fetched from this URI.",
            )
        self.containers[container_id] = fields | {
            "id": container_id,
            "ig": ig_id,
            "page": self.instagram[ig_id]["page"],
            "carousel_item": request.arg("is_carousel_item") == "true",
            "children": children,
            "polls": self.processing_polls,
            "status_code": "ERROR"
            if self.container_error
            else ("IN_PROGRESS" if self.processing_polls else "FINISHED"),
        }
        return Response(200, {"id": container_id})

    def _publish(self, request: Request) -> Response:
        ig_id = request.params["id"]
        _caller, refused = self._guarded(request, ig_id)
        if refused:
            return refused
        container = self.containers.get(request.arg("creation_id"))
        if not container or container["ig"] != ig_id or container["carousel_item"]:
            return error(100, "(#100) Param creation_id must be a valid media container")
        if container["status_code"] != "FINISHED":
            return error(9007, "Media ID is not available", subcode=2207027)
        container["status_code"] = "PUBLISHED"
        media_id = str(next(self.ids))
        items = [self.containers[c] for c in container["children"]] or [container]
        self.media[media_id] = {
            "id": media_id,
            "ig": ig_id,
            "page": container["page"],
            "caption": container["caption"],
            "media_type": container["media_type"] or "IMAGE",
            "images": [(c["image_url"], c["alt_text"]) for c in items],
            "created": time.time(),
            "permalink": f"https://www.instagram.com/p/C{media_id[-9:]}/",
        }
        return Response(200, {"id": media_id})

    def _media_list(self, request: Request) -> Response:
        ig_id = request.params["id"]
        _caller, refused = self._guarded(request, ig_id)
        if refused:
            return refused
        wanted = fields_of(request)
        mine = [self._view(m) for m in reversed(self.media.values()) if m["ig"] == ig_id]
        return self._list(request, f"{ig_id}/media", [pick(m, wanted) for m in mine])

    def _reply_instagram(self, request: Request) -> Response:
        comment_id = request.params["id"]
        _caller, refused = self._guarded(request, comment_id)
        parent = self.comments.get(comment_id)
        if refused or not parent or not parent["instagram"]:
            return refused or missing(comment_id)
        if parent["parent"]:
            return error(100, "(#100) Replies can only be made to top-level comments")
        if not request.arg("message"):
            return error(100, "(#100) The parameter message is required")
        ig = self.instagram[self.media[parent["on"]]["ig"]]
        author = {"id": ig["id"], "username": ig["username"]}
        new = self._comment(parent["on"], request.arg("message"), author, comment_id, None)
        return Response(200, {"id": new})

    def _replies_instagram(self, request: Request) -> Response:
        """An Instagram comment's replies, oldest first (Instagram documents no order and
        takes no ``order``), paged by cursor."""
        comment_id = request.params["id"]
        _caller, refused = self._guarded(request, comment_id)
        parent = self.comments.get(comment_id)
        if refused or not parent or not parent["instagram"]:
            return refused or missing(comment_id)
        wanted = fields_of(request)
        found = [c for c in self.comments.values() if c["parent"] == comment_id]
        found.sort(key=lambda c: c["created"])
        items = [pick(self._view(c), wanted) for c in found]
        return self._list(request, f"{comment_id}/replies", items)

    # ----- any object ----------------------------------------------------------------

    def _read(self, request: Request) -> Response:
        object_id = request.params["id"]
        if object_id in self.pages:  # a page's name is public: any valid token reads it
            caller, refused = self._caller(request)
        else:
            caller, refused = self._guarded(request, object_id)
        if refused:
            return refused
        container = self.containers.get(object_id)
        if container and container["status_code"] == "IN_PROGRESS":
            if container["polls"] > 0:
                container["polls"] -= 1
            else:
                container["status_code"] = "FINISHED"
        item = self._view(self._find(object_id))
        if object_id in self.pages and not self._may(caller, object_id):
            item.pop("access_token", None)
        return Response(200, pick(item, fields_of(request)))

    def _update(self, request: Request) -> Response:
        object_id = request.params["id"]
        _caller, refused = self._guarded(request, object_id, as_page=True)
        if refused:
            return refused
        comment = self.comments.get(object_id)
        key = "hide" if comment and comment["instagram"] else "is_hidden"
        if object_id in self.posts and request.arg("message"):
            self.posts[object_id]["message"] = request.arg("message")
        elif comment and request.arg(key):
            comment["hidden"] = request.arg(key) == "true"
        else:
            return error(100, "(#100) Unsupported post request.", kind="GraphMethodException")
        return Response(200, {"success": True})

    def _delete(self, request: Request) -> Response:
        object_id = request.params["id"]
        _caller, refused = self._guarded(request, object_id, as_page=True)
        if refused:
            return refused
        for table in (self.posts, self.comments, self.photos):
            if object_id in table:
                del table[object_id]
                return Response(200, {"success": True})
        return error(100, "(#100) Unsupported delete request.", kind="GraphMethodException")

    def _find(self, object_id: str) -> dict:
        for table in (self.pages, self.instagram, self.posts, self.comments, self.containers):
            if object_id in table:
                return table[object_id]
        return self.media.get(object_id) or self.photos[object_id]

    def _view(self, item: dict) -> dict:
        """An object as the Graph API shows it."""
        if "token" in item:  # a page
            return {"id": item["id"], "name": item["name"], "access_token": item["token"]}
        if "status_code" in item:  # a media container
            status = (
                "Error: the image format is not supported."
                if item["status_code"] == "ERROR"
                else ""
            )
            return {"id": item["id"], "status_code": item["status_code"], "status": status}
        created = stamp(item.get("created"))
        if "message" in item:  # a Facebook post
            return {
                "id": item["id"],
                "message": item["message"],
                "created_time": created,
                "permalink_url": item["permalink_url"],
            }
        if "caption" in item:  # Instagram media
            return {
                "id": item["id"],
                "caption": item["caption"],
                "permalink": item["permalink"],
                "timestamp": created,
                "media_type": item["media_type"],
            }
        if "text" in item and item["instagram"]:
            view = {
                "id": item["id"],
                "text": item["text"],
                "timestamp": created,
                "username": item["author"]["username"],
                "from": item["author"],
                "hidden": item["hidden"],
            }
            return view | ({"parent_id": item["parent"]} if item["parent"] else {})
        if "text" in item:  # a Facebook comment
            view = {
                "id": item["id"],
                "message": item["text"],
                "from": item["author"],
                "created_time": created,
                "is_hidden": item["hidden"],
                "permalink_url": f"https://www.facebook.com/{item['on']}?comment_id={item['id']}",
            }
            return view | ({"parent": {"id": item["parent"]}} if item["parent"] else {})
        return dict(item)  # an Instagram account (id, username)


def publish_with_images(office, editor, approver, capture, files, **fields):
    """A post of ``office`` with images (alt texts "Bild 1", "Bild 2" …), published."""
    images = [
        {"file": file, "alt_text": f"Bild {number}", "author": "Presse", "licence": "CC0"}
        for number, file in enumerate(files, 1)
    ]
    return publish(office, editor, approver, capture, images=images, **fields)


def comment_in_inbox(graph, page, publish_post, text: str = "Ihr seid alle unfähig!"):
    """A citizen's comment below a post ``page`` (the office's connected page) published,
    fetched into the inbox as the periodic fetch does; returns the inbox's message."""
    from rathaus.connectors import fetching
    from rathaus.delivery.models import Delivery
    from rathaus.inbox.models import Message

    publish_post(title="Baumfällung", body="Am Montag werden zwei Linden gefällt.")
    post_id = Delivery.objects.get(channel=page.channel_key).remote_id
    comment_id = graph.comment(post_id, text, at=time.time() - 10)
    fetching.fetch(page)
    return Message.objects.get(remote_id=comment_id)
