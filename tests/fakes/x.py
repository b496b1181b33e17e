"""A fake of X's API v2 as tweepy talks to it: posts (with X's t.co links, HTML escaping,
leading reply mentions and duplicate-content refusal), timelines and mentions with
since_id and paging, the v2 media upload with alt text, and the OAuth 2.0 endpoints
(authorization code with PKCE, refresh tokens that are rotated). Errors come as X's
problem documents ({"title", "detail", "type", "status"}); every answer carries the
x-rate-limit-* headers.

For the benchmark: ``FakeX()`` then ``start()``; ``connection_values()`` gives the fields
of a ConnectedAccount the fake accepts (a new X user each call); ``posts_by_account()``
lists the texts each user posted, so that duplicates can be counted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import itertools
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from tests.fakes.server import FakeServer, Request, Response

CLIENT_ID = "rathaus-x-client"
CLIENT_SECRET = "rathaus-x-secret"
LINK = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,:;!?'()\[\]]")
LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
TWEET_FIELDS = ("author_id", "conversation_id", "created_at")
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg", "image/tiff"}
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    return Response(
        status, {"title": title, "detail": detail, "type": "about:blank", "status": status} | extra
    )


def invalid(message: str, parameters: dict[str, list[str]] | None = None) -> Response:
    """X's answer to a request whose parameters it does not accept."""
    return Response(
        400,
        {
            "errors": [{"parameters": parameters or {}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )


def weighted(text: str) -> int:
    """X's count, simply: a link is 23, Latin 1, everything else 2."""
    rest = LINK.sub("", text)
    light = sum(1 for c in rest if any(a <= ord(c) <= b for a, b in LIGHT))
    return 23 * len(LINK.findall(text)) + light + 2 * (len(rest) - light)


class FakeX(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.users: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, tuple[str, float]] = {}  # access token → user id, expiry
        self.refresh_tokens: dict[str, str] = {}  # refresh token → user id
        self.codes: dict[str, dict[str, str]] = {}  # authorization code → its request
        self.tweets: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1_790_000_000_000_000_001, 7)
        self._serial = itertools.count(1)
        self.state_lock = threading.RLock()
        self._tweet_calls = 0
        self._failing_tweets: dict[int, int] = {}
        self.account = self.add_user("1", "Bezirksamt Mitte", "ba_mitte", token="access-token-1")
        self.citizen = self.add_user("900", "Anna Anwohnerin", "anna_a", token="anna-token")
        self.authorizing = self.account["id"]  # who says yes on the authorize page
        self._add_routes()

    # ----- for tests and the benchmark ----------------------------------------------------

    def add_user(self, user_id: str, name: str, username: str, *, token: str = "") -> dict:
        self.users[user_id] = {"id": user_id, "name": name, "username": username}
        if token:
            self.tokens[token] = (user_id, time.time() + 7200)
        return self.users[user_id]

    def connection_values(self) -> dict[str, Any]:
        """A new X user and the fields of a ConnectedAccount for it."""
        n = next(self._serial)
        user = self.add_user(str(5000 + n), f"Amt {n}", f"amt_{n}", token=f"bench-token-{n}")
        return {
            "remote_id": user["id"],
            "name": user["name"],
            "access_token": f"bench-token-{n}",
            "details": {"username": user["username"]},
        }

    def connect(self, connect_account: Callable, **fields: Any) -> Any:
        """The office's account (user 1, @ba_mitte, token access-token-1) connected to this
        server (tests' ``connect_account``)."""
        fields.setdefault("details", {"username": self.account["username"]})
        return connect_account("x", api_base=self.url, **fields)

    def posts_by_account(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for tweet in self.tweets.values():
            found.setdefault(tweet["author_id"], []).append(tweet["posted"])
        return found

    def posts_of(self, user_id: str = "1") -> list[dict[str, Any]]:
        return sorted(
            (t for t in self.tweets.values() if t["author_id"] == user_id),
            key=lambda t: int(t["id"]),
        )

    def expire(self, token: str) -> None:
        user_id, _expiry = self.tokens[token]
        self.tokens[token] = (user_id, time.time() - 1)

    def issue_refresh_token(self, user_id: str = "1") -> str:
        token = f"refresh-{next(self._serial)}"
        self.refresh_tokens[token] = user_id
        return token

    def reply(self, text: str, *, to: str, author: str = "900") -> str:
        """Someone answers post ``to`` as X's apps do (handles replied to in front)."""
        return self._create(author, text, reply_to=to)

    def mention(self, text: str, *, author: str = "900") -> str:
        return self._create(author, f"@{self.account['username']} {text}")

    def fail_tweet_number(self, n: int, *, status: int = 503) -> None:
        """The ``n``-th POST /2/tweets from now fails (e.g. the second part of a thread)."""
        self._failing_tweets[self._tweet_calls + n] = status

    def rate_limited(self, seconds: int = 120, *, path: str | None = None) -> None:
        """The next request (to ``path``) is refused as X does when a window is used up."""
        headers = self._limit_headers(remaining=0, reset=int(time.time()) + seconds)
        body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"}
        self.fail_next(429, headers=headers, body=body | {"status": 429}, path=path)

    # ----- posts ----------------------------------------------------------------------------

    def _create(self, author: str, text: str, *, reply_to: str = "", media_ids=()) -> str:
        parent = self.tweets.get(reply_to) if reply_to else None
        shown, urls = self._shorten(self._answered_handles(parent, author) + text)
        tweet_id = str(next(self._ids))
        self.tweets[tweet_id] = {
            "id": tweet_id,
            "author_id": author,
            "posted": text,
            "text": html.escape(shown, quote=False),  # X escapes &, < and > in v2 answers
            "urls": urls,
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "reply_to": reply_to,
            "media_ids": list(media_ids),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        }
        return tweet_id

    def _answered_handles(self, parent: dict[str, Any] | None, author: str) -> str:
        """X puts the handles a reply answers in front: the parent's author and the handles
        the parent answered, without the replier's own."""
        if parent is None:
            return ""
        handles = [self.users[parent["author_id"]]["username"]]
        handles += re.findall(r"@(\w+)\s", re.match(r"(@\w+\s+)*", parent["text"]).group(0))
        own = self.users[author]["username"]
        return "".join(f"@{h} " for h in dict.fromkeys(handles) if h != own)

    def _shorten(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        """Every link becomes a t.co link, as X does; entities keep the address."""
        urls, out, last = [], "", 0
        for match in LINK.finditer(text):
            short = (
                f"https://t.co/{hashlib.sha1(str(next(self._serial)).encode()).hexdigest()[:10]}"
            )
            out += text[last : match.start()]
            expanded = match.group(0)
            shown = re.sub(r"^https?://(www\.)?", "", expanded)
            urls.append(
                {
                    "start": len(out),
                    "end": len(out) + len(short),
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": shown if len(shown) <= 26 else shown[:25] + "…",
                }
            )
            out += short
            last = match.end()
        return out + text[last:], urls

    def _view(self, tweet: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        view = {"id": tweet["id"], "text": tweet["text"], "edit_history_tweet_ids": [tweet["id"]]}
        view |= {name: tweet[name] for name in TWEET_FIELDS if name in fields}
        parent = self.tweets.get(tweet["reply_to"]) if tweet["reply_to"] else None
        if parent is not None and "in_reply_to_user_id" in fields:
            view["in_reply_to_user_id"] = parent["author_id"]
        if tweet["reply_to"] and "referenced_tweets" in fields:
            view["referenced_tweets"] = [{"type": "replied_to", "id": tweet["reply_to"]}]
        if "entities" in fields and tweet["urls"]:
            view["entities"] = {"urls": tweet["urls"]}
        if "attachments" in fields and tweet["media_ids"]:
            view["attachments"] = {"media_keys": [f"3_{m}" for m in tweet["media_ids"]]}
        return view

    # ----- HTTP -----------------------------------------------------------------------------

    def _limit_headers(self, *, remaining: int = 299, reset: int | None = None) -> dict:
        return {
            "x-rate-limit-limit": "300",
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset or int(time.time()) + 900),
        }

    def _user(self, request: Request) -> str | None:
        user_id, expiry = self.tokens.get(request.bearer, ("", 0.0))
        return user_id if user_id and expiry > time.time() else None

    def _api(self, method: str, pattern: str):
        """A route of the API: the bearer token is checked, rate-limit headers added."""

        def decorate(handler):
            def serve(request: Request) -> Response:
                user_id = self._user(request)
                if user_id is None:
                    response = problem(401, "Unauthorized", "Unauthorized")
                else:
                    with self.state_lock:  # the benchmark sends from several workers
                        response = handler(request, user_id)
                response.headers = self._limit_headers() | response.headers
                return response

            self.route(method, pattern)(serve)
            return handler

        return decorate

    def _add_routes(self) -> None:
        api = self._api
        api("GET", r"/2/users/me")(
            lambda request, user_id: Response(200, {"data": self.users[user_id]})
        )
        api("POST", r"/2/tweets")(self._post_tweet)
        api("DELETE", r"/2/tweets/(?P<id>\d+)")(self._delete_tweet)
        api("GET", r"/2/users/(?P<id>\d+)/tweets")(self._timeline)
        api("GET", r"/2/users/(?P<id>\d+)/mentions")(self._mentions)
        api("POST", r"/2/media/upload")(self._upload)
        api("POST", r"/2/media/metadata")(self._metadata)
        self.route("POST", r"/2/oauth2/token")(self._token)
        self.route("GET", r"/i/oauth2/authorize")(self._authorize)

    def _post_tweet(self, request: Request, user_id: str) -> Response:
        self._tweet_calls += 1
        status = self._failing_tweets.pop(self._tweet_calls, None)
        if status is not None:
            return problem(status, "Service Unavailable", "Service Unavailable")
        body = request.json() or {}
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id", "")
        if not text and not media_ids:
            return invalid("Text or media is required.", {"text": [""]})
        if weighted(text) > 280:
            return problem(403, "Forbidden", "Your Tweet text is too long.")
        if reply_to and reply_to not in self.tweets:
            return invalid(f"Tweet {reply_to} does not exist.", {"reply": [reply_to]})
        owned = [m for m in media_ids if self.media.get(m, {}).get("owner") == user_id]
        if len(media_ids) > 4 or owned != media_ids:
            return invalid("Your media IDs are invalid.", {"media.media_ids": media_ids})
        if any(t["posted"] == text for t in self.posts_of(user_id)):
            return problem(403, "Forbidden", DUPLICATE)
        tweet_id = self._create(user_id, text, reply_to=reply_to, media_ids=media_ids)
        data = self._view(self.tweets[tweet_id], set())
        return Response(201, {"data": data})

    def _delete_tweet(self, request: Request, user_id: str) -> Response:
        tweet = self.tweets.get(request.params["id"])
        if tweet is None:
            return problem(
                404, "Not Found Error", f"Could not find tweet with id: [{request.params['id']}]."
            )
        if tweet["author_id"] != user_id:
            return problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
        del self.tweets[tweet["id"]]
        return Response(200, {"data": {"deleted": True}})

    def _timeline(self, request: Request, user_id: str) -> Response:
        mine = [t for t in self.tweets.values() if t["author_id"] == request.params["id"]]
        return self._page(request, mine)

    def _mentions(self, request: Request, user_id: str) -> Response:
        handle = re.compile(rf"@{self.users[request.params['id']]['username']}\b", re.I)
        return self._page(request, [t for t in self.tweets.values() if handle.search(t["text"])])

    def _page(self, request: Request, tweets: list[dict[str, Any]]) -> Response:
        """Newest first, after since_id, ``max_results`` at a time with a next_token."""
        size = int(request.arg("max_results", "10"))
        if not 5 <= size <= 100:
            return invalid("max_results must be between 5 and 100.", {"max_results": [str(size)]})
        since = int(request.arg("since_id", "0"))
        tweets = sorted((t for t in tweets if int(t["id"]) > since), key=lambda t: -int(t["id"]))
        start = int(request.arg("pagination_token", "0") or 0)
        page = tweets[start : start + size]
        if not page:
            return Response(200, {"meta": {"result_count": 0}})
        expansions = set(request.arg("expansions").split(","))
        fields = set(request.arg("tweet.fields").split(",")) | ({"author_id"} & expansions)
        meta = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if start + size < len(tweets):
            meta["next_token"] = str(start + size)
        answer = {"data": [self._view(t, fields) for t in page], "meta": meta}
        if "author_id" in expansions:
            authors = dict.fromkeys(t["author_id"] for t in page)
            answer["includes"] = {"users": [self.users[a] for a in authors]}
        return Response(200, answer)

    def _upload(self, request: Request, user_id: str) -> Response:
        body = request.json() or {}
        if body.get("media_category") not in ("tweet_image", "dm_image", "subtitles"):
            return invalid(
                "media_category is invalid.", {"media_category": [str(body.get("media_category"))]}
            )
        if body.get("media_type") not in IMAGE_TYPES:
            return invalid(
                "media_type is not supported.", {"media_type": [str(body.get("media_type"))]}
            )
        try:
            data = base64.b64decode(body.get("media", ""), validate=True)
        except binascii.Error:
            return invalid("media is not valid base64.", {"media": ["..."]})
        media_id = str(next(self._ids))
        self.media[media_id] = {
            "owner": user_id,
            "data": data,
            "type": body["media_type"],
            "alt": "",
        }
        info = {
            "id": media_id,
            "media_key": f"3_{media_id}",
            "size": len(data),
            "expires_after_secs": 86400,
        }
        return Response(200, {"data": info})

    def _metadata(self, request: Request, user_id: str) -> Response:
        body = request.json() or {}
        media = self.media.get(str(body.get("id")))
        if media is None or media["owner"] != user_id:
            return invalid("The media id is invalid.", {"id": [str(body.get("id"))]})
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text", "")
        if len(alt) > 1000:
            return invalid("Alt text must be at most 1000 characters.", {"alt_text": [alt[:20]]})
        media["alt"] = alt
        return Response(
            200, {"data": {"id": body["id"], "associated_metadata": {"alt_text": {"text": alt}}}}
        )

    # ----- OAuth 2.0 ------------------------------------------------------------------------

    def _authorize(self, request: Request) -> Response:
        if request.arg("client_id") != CLIENT_ID or request.arg("response_type") != "code":
            return Response(
                400, "Something went wrong. You weren't able to give access to the App."
            )
        code = f"code-{next(self._serial)}"
        self.codes[code] = {
            "user": self.authorizing,
            "challenge": request.arg("code_challenge"),
            "method": request.arg("code_challenge_method", "plain"),
            "redirect_uri": request.arg("redirect_uri"),
        }
        query = urlencode({"state": request.arg("state"), "code": code})
        return Response(302, b"", {"Location": f"{request.arg('redirect_uri')}?{query}"})

    def _token(self, request: Request) -> Response:
        if (
            request.headers.get("authorization", "")
            != "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        ):
            return Response(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        grant = request.arg("grant_type")
        if grant == "authorization_code":
            user_id = self._redeem(request)
        elif grant == "refresh_token":
            user_id = self.refresh_tokens.pop(request.arg("refresh_token"), None)  # rotated
        else:
            user_id = None
        if user_id is None:
            return Response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the token was invalid.",
                },
            )
        access, refresh = f"x-access-{next(self._serial)}", self.issue_refresh_token(user_id)
        self.tokens[access] = (user_id, time.time() + 7200)
        return Response(
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": "tweet.read tweet.write users.read offline.access media.write",
                "refresh_token": refresh,
            },
        )

    def _redeem(self, request: Request) -> str | None:
        code = self.codes.pop(request.arg("code"), None)
        if code is None or code["redirect_uri"] != request.arg("redirect_uri"):
            return None
        verifier = request.arg("code_verifier")
        if code["method"] == "S256":
            digest = hashlib.sha256(verifier.encode()).digest()
            verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return code["user"] if verifier and verifier == code["challenge"] else None
