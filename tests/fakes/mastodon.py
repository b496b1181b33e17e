"""A fake Mastodon instance on loopback, speaking the REST API as docs.joinmastodon.org
documents it: the Account, Status, MediaAttachment, Notification and Instance (v1 and v2)
entities, errors as ``{"error": "..."}``, X-RateLimit-* headers on every answer, bearer
tokens checked on every authenticated call, Idempotency-Key honoured on posting, and the
quirks a client must live with (media answered 202 while processing, an edit without
``media_ids`` dropping the attachments, statuses rendered to HTML).

For tests and the benchmark: ``FakeMastodon()`` has a no-argument constructor; ``start()``,
``url``, ``posts_by_account()``, ``connection_values()`` and ``add_account()`` are what the
benchmark uses; ``mention()`` and ``notify()`` play citizens writing to the office.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.server import FakeServer, Request, Response

DOMAIN = "social.example"
TOKEN = "access-token-1"
RATE_LIMIT = 300
URL = re.compile(r"https?://\S+")


@dataclass
class Account:
    id: str
    username: str
    domain: str = DOMAIN
    display_name: str = ""

    @property
    def acct(self) -> str:
        return self.username if self.domain == DOMAIN else f"{self.username}@{self.domain}"

    def json(self) -> dict[str, Any]:
        home, name = f"https://{self.domain}", self.username
        return {
            "id": self.id,
            "username": name,
            "acct": self.acct,
            "display_name": self.display_name,
            **_each("locked bot group", False),
            "discoverable": True,
            "created_at": "2023-04-01T00:00:00.000Z",
            "note": "",
            "url": f"{home}/@{name}",
            "uri": f"{home}/users/{name}",
            **_each("avatar avatar_static", f"{home}/avatars/original/missing.png"),
            **_each("header header_static", f"{home}/headers/original/missing.png"),
            **_each("followers_count following_count statuses_count", 12),
            "last_status_at": "2025-01-01",
            **_each("emojis fields", []),
        }


@dataclass
class Media:
    id: str
    account_id: str
    data: bytes
    file_name: str
    description: str | None
    # GETs still answered 206 "processing"; 0 means done.
    polls_left: int = 0
    status_id: str | None = None

    def json(self) -> dict[str, Any]:
        done = self.polls_left == 0
        url = f"https://files.{DOMAIN}/media_attachments/{self.id}/original.png"
        small = {"width": 2, "height": 2, "size": "2x2", "aspect": 1.0}
        return {
            "id": self.id,
            "type": "image",
            "url": url if done else None,
            "preview_url": url.replace("original", "small"),
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {"original": small, "small": small} if done else {},
            "description": self.description,
            "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}",
        }


@dataclass
class Status:
    id: str
    account: Account
    text: str
    visibility: str = "public"
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    media: list[Media] = field(default_factory=list)
    language: str | None = None
    spoiler_text: str = ""
    mentions: list[Account] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited_at: datetime | None = None
    deleted: bool = False

    def json(self) -> dict[str, Any]:
        domain, name = self.account.domain, self.account.username
        return {
            "id": self.id,
            "uri": f"https://{domain}/users/{name}/statuses/{self.id}",
            "url": f"https://{domain}/@{name}/{self.id}",
            "created_at": _iso(self.created_at),
            "edited_at": _iso(self.edited_at) if self.edited_at else None,
            "account": self.account.json(),
            "content": render(self.text),
            "visibility": self.visibility,
            "spoiler_text": self.spoiler_text,
            "media_attachments": [m.json() for m in self.media],
            "application": {"name": "Rathaus", "website": None},
            "mentions": [
                {"id": a.id, "username": a.username, "acct": a.acct, "url": a.json()["url"]}
                for a in self.mentions
            ],
            "in_reply_to_id": self.in_reply_to_id,
            "in_reply_to_account_id": self.in_reply_to_account_id,
            "language": self.language,
            **_each("reblogs_count favourites_count replies_count", 0),
            **_each("reblog poll card text", None),
            **_each("sensitive favourited reblogged muted bookmarked pinned", False),
            **_each("tags emojis filtered", []),
        }


def render(text: str) -> str:
    """Plain text as Mastodon renders it: paragraphs, line breaks, links cut for display
    with the rest in invisible spans, mentions as h-cards."""

    def link(match: re.Match) -> str:
        url = match.group(0)
        scheme, rest = url.split("://", 1)
        shown, hidden = rest[:30], rest[30:]
        return (
            f'<a href="{url}" target="_blank" rel="nofollow noopener">'
            f'<span class="invisible">{scheme}://</span>'
            f'<span class="{"ellipsis" if hidden else ""}">{shown}</span>'
            f'<span class="invisible">{hidden}</span></a>'
        )

    def mention(match: re.Match) -> str:
        user, host = match.group(1), match.group(2) or DOMAIN
        return (
            f'<span class="h-card" translate="no"><a href="https://{host}/@{user}" '
            f'class="u-url mention">@<span>{user}</span></a></span>'
        )

    paragraphs = []
    for paragraph in re.split(r"\n{2,}", html.escape(text, quote=False)):
        paragraph = URL.sub(link, paragraph)
        paragraph = re.sub(r"(?<![\w/])@(\w+)(?:@([\w.-]+\w))?", mention, paragraph)
        paragraphs.append("<p>" + paragraph.replace("\n", "<br />") + "</p>")
    return "".join(paragraphs)


def length(text: str, url_chars: int = 23) -> int:
    """The length Mastodon checks against max_characters: every URL counts as 23, and the
    rest in grapheme clusters (Ruby's each_grapheme_cluster), counted here independently
    of the connector (atproto's approximation, as the Bluesky fake does)."""
    from atproto_client.utils.facet_detection import _grapheme_len

    return _grapheme_len(URL.sub("x" * url_chars, text))


def _each(names: str, value: Any) -> dict[str, Any]:
    return {name: value for name in names.split()}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _error(status: int, message: str) -> Response:
    return Response(status, {"error": message})


class FakeMastodon(FakeServer):
    """One instance with one office account (more with ``add_account``)."""

    def __init__(self, *, max_characters: int = 500, max_media: int = 4) -> None:
        super().__init__()
        self.max_characters = max_characters
        self.max_media = max_media
        self.description_limit = 1500
        self.version = "4.3.2"
        self.ids = itertools.count(113_500_000_000_000_000)
        self.notification_ids = itertools.count(34_975_000)
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, str] = {}  # bearer token → account id
        self.expired: set[str] = set()
        self.statuses: dict[str, Status] = {}
        self.media: dict[str, Media] = {}
        self.notifications: list[dict[str, Any]] = []
        self.idempotency: dict[tuple[str, str], str] = {}
        # Uploads answered 202 and polled this many times before they are processed.
        self.processing_polls = 0
        # Scripted: the next replies (thread parts, answers) fail with this status.
        self.failing_replies: list[int] = []
        self.office = self.add_account("bezirksamt", "Bezirksamt Mitte", token=TOKEN)
        self._routes()

    # ----- for tests and the benchmark ---------------------------------------------------

    def add_account(self, username: str, display_name: str = "", *, token: str = "") -> Account:
        account = Account(str(next(self.ids)), username, DOMAIN, display_name or username)
        self.accounts[account.id] = account
        if token:
            self.tokens[token] = account.id
        return account

    def connection_values(self, account: Account | None = None) -> dict[str, Any]:
        """The fields of a ConnectedAccount this fake accepts (default: the office's)."""
        account = account or self.office
        token = next((t for t, a in self.tokens.items() if a == account.id), "")
        if not token:
            token = f"token-{account.id}"
            self.tokens[token] = account.id
        return {
            "remote_id": account.id,
            "name": f"@{account.username}@{DOMAIN}",
            "access_token": token,
            "details": {
                "max_characters": self.max_characters,
                "characters_reserved_per_url": 23,
                "max_media": self.max_media,
                "domain": DOMAIN,
            },
        }

    def connect(self, connect_account: Callable, **fields: Any) -> Any:
        """The office's account connected to this server (tests' ``connect_account``)."""
        return connect_account("mastodon", api_base=self.url, **(self.connection_values() | fields))

    def fail_next_reply(self, status: int = 503) -> None:
        """The next status posted in reply to another fails (a thread's second part)."""
        self.failing_replies.append(status)

    def expire(self, token: str = TOKEN) -> None:
        self.expired.add(token)

    def posts_by_account(self) -> dict[str, list[str]]:
        """Account id → texts of its statuses that exist (to count duplicates)."""
        found: dict[str, list[str]] = {}
        for status in self.statuses.values():
            if not status.deleted:
                found.setdefault(status.account.id, []).append(status.text)
        return found

    def posted(self) -> list[Status]:
        """The office account's statuses that exist, oldest first."""
        return [
            s for s in self.statuses.values() if s.account.id == self.office.id and not s.deleted
        ]

    def citizen(self, username: str = "anwohnerin", domain: str = "other.example") -> Account:
        for account in self.accounts.values():
            if (account.username, account.domain) == (username, domain):
                return account
        account = Account(str(next(self.ids)), username, domain, username.title())
        self.accounts[account.id] = account
        return account

    def mention(
        self,
        text: str,
        *,
        by: Account | None = None,
        in_reply_to: str | None = None,
        visibility: str = "public",
    ) -> Status:
        """A citizen's status mentioning the office, with the office's notification."""
        by = by or self.citizen()
        parent = self.statuses.get(in_reply_to or "")
        status = Status(
            str(next(self.ids)),
            by,
            f"@{self.office.username}@{DOMAIN} {text}",
            visibility=visibility,
            in_reply_to_id=in_reply_to,
            in_reply_to_account_id=parent.account.id if parent else None,
            mentions=[self.office],
        )
        self.statuses[status.id] = status
        self.notify("mention", by=by, status=status)
        return status

    def notify(self, kind: str, *, by: Account, status: Status | None = None) -> dict:
        notification = {
            "id": str(next(self.notification_ids)),
            "type": kind,
            "created_at": _iso(datetime.now(UTC)),
            "group_key": f"ungrouped-{len(self.notifications)}",
            "account": by.json(),
            "status": status.json() if status else None,
            "_for": self.office.id,
        }
        self.notifications.append(notification)
        return notification

    # ----- the API ------------------------------------------------------------------------

    def _routes(self) -> None:
        me = self._authenticated
        self.route("GET", r"/api/v1/accounts/verify_credentials")(me(self._verify))
        self.route("GET", r"/api/v1/instance/?")(self._instance_v1)
        self.route("GET", r"/api/v2/instance/?")(self._instance_v2)
        self.route("POST", r"/api/v2/media")(me(self._upload))
        self.route("POST", r"/api/v1/media")(me(self._upload))
        self.route("GET", r"/api/v1/media/(?P<id>\d+)")(me(self._media))
        self.route("POST", r"/api/v1/statuses")(me(self._post))
        self.route("GET", r"/api/v1/statuses/(?P<id>\d+)")(me(self._status))
        self.route("PUT", r"/api/v1/statuses/(?P<id>\d+)")(me(self._edit))
        self.route("DELETE", r"/api/v1/statuses/(?P<id>\d+)")(me(self._delete))
        self.route("GET", r"/api/v1/accounts/(?P<id>\d+)/statuses")(me(self._account_statuses))
        self.route("GET", r"/api/v1/notifications")(me(self._notifications))

    def _authenticated(self, handler):
        def check(request: Request) -> Response:
            token = request.bearer
            if token in self.expired:
                return _error(401, "The access token expired")
            if token not in self.tokens:
                return _error(401, "The access token is invalid")
            with self.lock:
                return handler(request, self.accounts[self.tokens[token]])

        return check

    def _verify(self, request: Request, account: Account) -> Response:
        body = account.json()
        body["source"] = {"privacy": "public", "sensitive": False, "language": "de", "note": ""}
        body["role"] = {
            "id": "-99",
            "name": "",
            "permissions": "0",
            "color": "",
            "highlighted": False,
        }
        return Response(200, body)

    def _configuration(self) -> dict[str, Any]:
        return {
            "statuses": {
                "max_characters": self.max_characters,
                "max_media_attachments": self.max_media,
                "characters_reserved_per_url": 23,
            },
            "media_attachments": {
                "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                "description_limit": self.description_limit,
                **_each("image_size_limit video_size_limit", 16_777_216),
                **_each("image_matrix_limit video_matrix_limit", 33_177_600),
                "video_frame_rate_limit": 120,
            },
            "polls": {"max_options": 4, "max_characters_per_option": 50},
        }

    def _instance_v1(self, request: Request) -> Response:
        """GET /api/v1/instance: Mastodon.py reads the version from it (which media API)."""
        return Response(
            200,
            {
                "uri": DOMAIN,
                "title": "Social Example",
                "version": self.version,
                "urls": {"streaming_api": f"wss://{DOMAIN}"},
                "stats": {"user_count": 10, "status_count": 100, "domain_count": 5},
                **_each("registrations approval_required invites_enabled", False),
                "configuration": self._configuration(),
                **_each("short_description description languages rules", []),
            },
        )

    def _instance_v2(self, request: Request) -> Response:
        configuration = self._configuration()
        configuration["urls"] = {"streaming": f"wss://{DOMAIN}", "status": None}
        configuration["accounts"] = {"max_featured_tags": 10, "max_pinned_statuses": 5}
        return Response(
            200,
            {
                "domain": DOMAIN,
                "title": "Social Example",
                "version": self.version,
                "source_url": "https://github.com/mastodon/mastodon",
                "usage": {"users": {"active_month": 10}},
                "configuration": configuration,
                "registrations": {"enabled": False, "approval_required": False, "message": None},
                "api_versions": {"mastodon": 2},
                "contact": {"email": f"admin@{DOMAIN}", "account": None},
                **_each("description languages rules", []),
            },
        )

    def _upload(self, request: Request, account: Account) -> Response:
        fields = request.multipart()
        if "file" not in fields:
            return _error(422, "Validation failed: File can't be blank")
        description = fields.get("description", (b"", ""))[0].decode() or None
        if description and len(description) > self.description_limit:
            limit = self.description_limit
            return _error(422, f"Validation failed: Description is too long (maximum is {limit})")
        data, file_name = fields["file"]
        media = Media(str(next(self.ids)), account.id, data, file_name, description)
        if request.path.startswith("/api/v2/") and self.processing_polls:
            media.polls_left = self.processing_polls
        self.media[media.id] = media
        return Response(202 if media.polls_left else 200, media.json())

    def _media(self, request: Request, account: Account) -> Response:
        media = self.media.get(request.params["id"])
        if media is None or media.account_id != account.id:
            return _error(404, "Record not found")
        if media.polls_left:
            processing = media.json()
            media.polls_left -= 1
            return Response(206, processing)
        return Response(200, media.json())

    def _attachments(self, ids: list[str], account: Account, status_id: str | None):
        if len(ids) > self.max_media:
            return _error(422, "Validation failed: Cannot attach more than 4 files")
        found = [self.media.get(i) for i in ids]
        if any(m is None or m.account_id != account.id for m in found):
            return _error(422, "Validation failed: Media attachments are invalid")
        if any(m.status_id not in (None, status_id) for m in found):
            return _error(422, "Validation failed: Media attachments are invalid")
        if any(m.polls_left for m in found):
            return _error(
                422, "Cannot attach files that have not finished processing. Try again in a moment!"
            )
        return found

    def _too_long(self, text: str) -> Response | None:
        if length(text) > self.max_characters:
            limit = self.max_characters
            return _error(422, f"Validation failed: Text character limit of {limit} exceeded")
        if not text.strip():
            return _error(422, "Validation failed: Text can't be blank")
        return None

    def _post(self, request: Request, account: Account) -> Response:
        form = request.form()
        key = request.headers.get("idempotency-key")
        if key and (account.id, key) in self.idempotency:
            status = self.statuses[self.idempotency[account.id, key]]
            return (
                _error(404, "Record not found") if status.deleted else Response(200, status.json())
            )
        if form.get("in_reply_to_id") and self.failing_replies:
            return _error(self.failing_replies.pop(0), "Service Unavailable")
        text = form.get("status", [""])[0]
        problem = self._too_long(text)
        if problem:
            return problem
        media = self._attachments(form.get("media_ids[]", []), account, None)
        if isinstance(media, Response):
            return media
        parent = self.statuses.get(form.get("in_reply_to_id", [""])[0])
        if form.get("in_reply_to_id") and (parent is None or parent.deleted):
            return _error(404, "Record not found")
        status = Status(
            str(next(self.ids)),
            account,
            text,
            visibility=form.get("visibility", ["public"])[0],
            in_reply_to_id=parent.id if parent else None,
            in_reply_to_account_id=parent.account.id if parent else None,
            media=media,
            language=form.get("language", [None])[0],
            mentions=self._mentioned(text),
        )
        for attachment in media:
            attachment.status_id = status.id
        self.statuses[status.id] = status
        if key:
            self.idempotency[account.id, key] = status.id
        return Response(200, status.json())

    def _mentioned(self, text: str) -> list[Account]:
        handles = set(re.findall(r"(?<![\w/])@(\w+(?:@[\w.-]+\w)?)", text))
        return [
            a
            for a in self.accounts.values()
            if a.acct in handles or f"{a.username}@{a.domain}" in handles
        ]

    def _own_status(self, request: Request, account: Account) -> Status | Response:
        status = self.statuses.get(request.params["id"])
        if status is None or status.deleted:
            return _error(404, "Record not found")
        if status.account.id != account.id:
            return _error(403, "This action is not allowed")
        return status

    def _status(self, request: Request, account: Account) -> Response:
        status = self.statuses.get(request.params["id"])
        if status is None or status.deleted:
            return _error(404, "Record not found")
        return Response(200, status.json())

    def _edit(self, request: Request, account: Account) -> Response:
        status = self._own_status(request, account)
        if isinstance(status, Response):
            return status
        form = request.form()
        text = form.get("status", [""])[0]
        problem = self._too_long(text)
        if problem:
            return problem
        # As Mastodon does: media_ids is always applied, so leaving it out drops the media.
        media = self._attachments(form.get("media_ids[]", []), account, status.id)
        if isinstance(media, Response):
            return media
        status.text, status.media = text, media
        for attachment in media:
            attachment.status_id = status.id
        status.edited_at = datetime.now(UTC)
        return Response(200, status.json())

    def _delete(self, request: Request, account: Account) -> Response:
        status = self._own_status(request, account)
        if isinstance(status, Response):
            return status
        status.deleted = True
        body = status.json()
        body["text"] = status.text  # the source, for "delete and redraft"
        return Response(200, body)

    def _account_statuses(self, request: Request, account: Account) -> Response:
        owner = request.params["id"]
        if owner not in self.accounts:
            return _error(404, "Record not found")
        limit = min(int(request.arg("limit", "20")), 40)
        found = [
            s
            for s in self.statuses.values()
            if s.account.id == owner
            and not s.deleted
            # Others see only what is public; the owner sees everything, DMs included.
            and (owner == account.id or s.visibility in ("public", "unlisted"))
        ]
        found = _page(found, request, limit)
        return Response(200, [s.json() for s in found])

    def _notifications(self, request: Request, account: Account) -> Response:
        types = request.query.get("types[]") or []
        excluded = request.query.get("exclude_types[]") or []
        found = [
            n
            for n in self.notifications
            if n["_for"] == account.id
            and (not types or n["type"] in types)
            and n["type"] not in excluded
        ]
        limit = min(int(request.arg("limit", "40")), 80)
        found = _page(found, request, limit, key=lambda n: int(n["id"]))
        return Response(200, [{k: v for k, v in n.items() if k != "_for"} for n in found])

    # ----- every answer -----------------------------------------------------------------

    def _write(self, handler, response: Response) -> None:
        """Mastodon sends its rate-limit state with every answer (the reset as an ISO date)."""
        now = datetime.now(UTC)
        window = now.replace(second=0, microsecond=0) + timedelta(minutes=5 - now.minute % 5)
        with self.lock:
            used = len(self.requests)
        remaining = 0 if response.status == 429 else max(0, RATE_LIMIT - used % RATE_LIMIT)
        headers = {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": window.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        headers.update(response.headers)
        FakeServer._write(handler, Response(response.status, response.body, headers))


def _page(items: list, request: Request, limit: int, key=lambda s: int(s.id)) -> list:
    """Mastodon's id pagination: newest first; since_id/max_id cut, min_id pages upwards."""
    since, upto, above = (request.arg(n) for n in ("since_id", "max_id", "min_id"))
    items = [i for i in items if (not since or key(i) > int(since))]
    items = [i for i in items if (not upto or key(i) < int(upto))]
    items = [i for i in items if (not above or key(i) > int(above))]
    items.sort(key=key)
    # min_id: the page right above it; otherwise the newest page.
    chosen = items[:limit] if above else items[-limit:]
    return list(reversed(chosen))
