"""A fake of LinkedIn's REST API (Community Management API) and OAuth endpoints, in the
shapes learn.microsoft.com/linkedin documents: versioned ``/rest/`` calls that need a Bearer
token and the ``LinkedIn-Version`` header (400 without it), URNs percent-encoded in paths,
the new post's URN in ``x-restli-id``, comments under ``/rest/socialActions``, and error
answers as ``{"status", "serviceErrorCode", "code", "message"}``.

Like LinkedIn, it cuts a post's text short at a reserved character of the "little" format
that was not escaped, and refuses a post whose text repeats one of the page's posts.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from tests.fakes.server import FakeServer, Request, Response

ORGANIZATION = "urn:li:organization:2414183"
TOKEN = "li-access-1"
CLIENT = ("linkedin-client-id", "linkedin-client-secret")
SIXTY_DAYS = 60 * 86400
# LinkedIn's answer to a post that repeats one of the page's posts (message and status added).
DUPLICATE = {
    "errorDetailType": "com.linkedin.common.error.BadRequest",
    "errorDetails": {
        "inputErrors": [{"description": "Duplicate post is detected", "code": "DUPLICATE_POST"}]
    },
}
SCOPE = "r_organization_social,rw_organization_admin,w_organization_social"
RESERVED = set("\\|{}@[]()<>#*_~")


@dataclass
class Token:
    organizations: list[str]
    expires_at: float = field(default_factory=lambda: time.time() + SIXTY_DAYS)
    revoked: bool = False


def render(commentary: str) -> str:
    """The text LinkedIn shows: escapes removed, cut at the first unescaped reserved
    character (where LinkedIn's parser gives up)."""
    shown, chars = [], iter(commentary)
    for char in chars:
        if char == "\\":
            shown.append(next(chars, ""))
        elif char in RESERVED:
            break
        else:
            shown.append(char)
    return "".join(shown)


def error(status: int, code: str, message: str, service_code: int = 100) -> Response:
    body = {"status": status, "serviceErrorCode": service_code, "code": code, "message": message}
    return Response(status, body)


def _acts_as(token: Token, actor: str) -> bool:
    return actor in token.organizations


def denied(what: str) -> Response:
    return error(403, "ACCESS_DENIED", f"Not enough permissions to access: {what}")


def not_found(what: str) -> Response:
    return error(404, "NOT_FOUND", f"{what} not found")


class LinkedInFake(FakeServer):
    """LinkedIn with one organisation page (``ORGANIZATION``) administered by ``TOKEN``'s
    member; ``connection_values(i)`` adds more pages for the benchmark."""

    def __init__(self) -> None:
        super().__init__()
        self.names = {ORGANIZATION: "Bezirksamt Musterstadt-Mitte"}
        self.tokens: dict[str, Token] = {TOKEN: Token([ORGANIZATION])}
        self.refresh_tokens: dict[str, list[str]] = {}
        self.codes: dict[str, list[str]] = {}
        self.issue_refresh_tokens = True
        self.reject_duplicates = True
        self.posts: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.refused_duplicates: list[tuple[str, str]] = []
        self._ids = itertools.count(7_100_000_000_000_000_001)
        self.state = threading.RLock()
        self._add_routes()

    # ----- for tests and the benchmark --------------------------------------------------

    def connection_values(self, index: int = 0) -> dict[str, Any]:
        """A page of its own with a token the fake accepts, as ConnectedAccount fields."""
        urn = f"urn:li:organization:{1000 + index}"
        token = f"li-bench-{index}"
        self.names[urn] = f"Amt {index}"
        self.tokens[token] = Token([urn])
        return {"remote_id": urn, "name": self.names[urn], "access_token": token, "details": {}}

    def connect(self, connect_account: Callable, **fields: Any) -> Any:
        """The office's organisation page connected to this server (tests'
        ``connect_account``)."""
        fields = {"remote_id": ORGANIZATION, "access_token": TOKEN} | fields
        return connect_account("linkedin", api_base=self.url, **fields)

    def posts_by_account(self) -> dict[str, list[str]]:
        """Organisation URN → texts of every post created, and of every post LinkedIn
        refused as a duplicate: a second attempt at the same text is a double post."""
        found: dict[str, list[str]] = {}
        for post in self.posts.values():
            found.setdefault(post["author"], []).append(post["text"])
        for author, text in self.refused_duplicates:
            found.setdefault(author, []).append(text)
        return found

    def live_posts(self) -> list[dict[str, Any]]:
        return [p for p in self.posts.values() if p["lifecycleState"] == "PUBLISHED"]

    def add_comment(
        self,
        on: str,
        text: str,
        *,
        actor: str = "urn:li:person:anna",
        parent: str = "",
        at_ms: int | None = None,
    ) -> str:
        """A comment on post ``on`` (a reply to comment ``parent``); returns its URN."""
        activity = self.posts[on]["activity"]
        comment_id = str(next(self._ids))
        urn = f"urn:li:comment:({activity},{comment_id})"
        now = at_ms or int(time.time() * 1000)
        self.comments[urn] = {
            "actor": actor,
            "commentUrn": urn,
            "$URN": urn,
            "id": comment_id,
            "created": {"actor": actor, "time": now},
            "lastModified": {"actor": actor, "time": now},
            "message": {"text": text, "attributes": []},
            "object": activity,
            **({"parentComment": parent} if parent else {}),
        }
        return urn

    def issue_code(self, organizations: list[str] | None = None) -> str:
        code = f"code-{uuid.uuid4().hex[:12]}"
        self.codes[code] = organizations or [ORGANIZATION]
        return code

    # ----- checks every /rest/ call goes through ------------------------------------------

    def _refused(self, request: Request) -> Response | None:
        if not request.headers.get("linkedin-version"):
            message = "A version must be present. Please specify a version by adding the "
            return error(400, "VERSION_MISSING", message + "LinkedIn-Version header.")
        token = self.tokens.get(request.bearer)
        if token is None:
            return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        if token.revoked:
            message = "The token used in the request has been revoked by the user"
            return error(401, "REVOKED_ACCESS_TOKEN", message, 65602)
        if token.expires_at < time.time():
            message = "The token used in the request has expired"
            return error(401, "EXPIRED_ACCESS_TOKEN", message, 65601)
        return None

    def _rest(self, method: str, pattern: str):
        def decorate(handler):
            def checked(request: Request) -> Response:
                with self.state:  # one call at a time changes posts (the benchmark's workers)
                    refused = self._refused(request)
                    return refused or handler(request, self.tokens[request.bearer])

            self.route(method, pattern)(checked)
            return handler

        return decorate

    @staticmethod
    def _urn(request: Request, name: str = "urn") -> str | None:
        raw = request.params[name]
        # Rest.li 2.0: a URN in a path is percent-encoded, its colons too.
        return unquote(raw) if ":" not in raw else None

    def _post_of(self, urn: str) -> dict[str, Any] | None:
        for post in self.posts.values():
            if urn in (post["id"], post["activity"]) and post["lifecycleState"] == "PUBLISHED":
                return post
        return None

    # ----- routes -----------------------------------------------------------------------

    def _add_routes(self) -> None:
        self.route("GET", r"/oauth/v2/authorization")(self._authorize)
        self.route("POST", r"/oauth/v2/accessToken")(self._access_token)
        self.route("PUT", r"/dms-uploads/(?P<key>[\w-]+)")(self._upload)
        self._rest("GET", r"/rest/organizationAcls")(self._acls)
        self._rest("GET", r"/rest/organizations/(?P<id>\d+)")(self._organization)
        self._rest("POST", r"/rest/images")(self._initialize_upload)
        self._rest("POST", r"/rest/posts")(self._create_post)
        self._rest("GET", r"/rest/posts")(self._find_posts)
        self._rest("POST", r"/rest/posts/(?P<urn>[^/]+)")(self._update_post)
        self._rest("DELETE", r"/rest/posts/(?P<urn>[^/]+)")(self._delete_post)
        self._rest("GET", r"/rest/socialActions/(?P<urn>[^/]+)/comments")(self._list_comments)
        self._rest("POST", r"/rest/socialActions/(?P<urn>[^/]+)/comments")(self._create_comment)
        self._rest("DELETE", r"/rest/socialActions/(?P<urn>[^/]+)/comments/(?P<id>\d+)")(
            self._delete_comment
        )

    def _authorize(self, request: Request) -> Response:
        # The member agrees at once: back to the app with a code.
        query = {"code": self.issue_code(), "state": request.arg("state")}
        return Response(302, b"", {"Location": f"{request.arg('redirect_uri')}?{urlencode(query)}"})

    def _access_token(self, request: Request) -> Response:
        if (request.arg("client_id"), request.arg("client_secret")) != CLIENT:
            return Response(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        grant = request.arg("grant_type")
        if grant == "authorization_code" and request.arg("code") in self.codes:
            return self._new_tokens(self.codes.pop(request.arg("code")), refresh="")
        if grant == "refresh_token" and request.arg("refresh_token") in self.refresh_tokens:
            refresh = request.arg("refresh_token")
            return self._new_tokens(self.refresh_tokens[refresh], refresh=refresh)
        return Response(
            400,
            {
                "error": "invalid_grant",
                "error_description": "The provided authorization grant or refresh token is "
                "invalid, expired or revoked",
            },
        )

    def _new_tokens(self, organizations: list[str], *, refresh: str) -> Response:
        token = f"li-access-{uuid.uuid4().hex[:12]}"
        self.tokens[token] = Token(list(organizations))
        body = {"access_token": token, "expires_in": SIXTY_DAYS, "scope": SCOPE}
        if self.issue_refresh_tokens:
            refresh = refresh or f"li-refresh-{uuid.uuid4().hex[:12]}"
            self.refresh_tokens[refresh] = list(organizations)
            body |= {"refresh_token": refresh, "refresh_token_expires_in": 365 * 86400}
        return Response(200, body)

    def _acls(self, request: Request, token: Token) -> Response:
        if request.arg("q") != "roleAssignee":
            return error(400, "ILLEGAL_ARGUMENT", "Missing finder: q=roleAssignee")
        acl = {"roleAssignee": "urn:li:person:mitte-admin", "state": "APPROVED"}
        elements = [
            acl | {"role": "ADMINISTRATOR", "organization": urn} for urn in token.organizations
        ]
        return Response(200, {"paging": {"start": 0, "count": 10}, "elements": elements})

    def _organization(self, request: Request, token: Token) -> Response:
        urn = f"urn:li:organization:{request.params['id']}"
        if urn not in self.names:
            return not_found(f"Organization {urn}")
        vanity = self.names[urn].lower().replace(" ", "-")
        page = {"id": int(request.params["id"]), "localizedName": self.names[urn]}
        return Response(200, page | {"vanityName": vanity})

    def _initialize_upload(self, request: Request, token: Token) -> Response:
        owner = (request.json() or {}).get("initializeUploadRequest", {}).get("owner", "")
        if request.arg("action") != "initializeUpload":
            return error(400, "ILLEGAL_ARGUMENT", "Unknown action")
        if not _acts_as(token, owner):
            return denied("images.ACTION")
        key = uuid.uuid4().hex
        urn = f"urn:li:image:D4E10AQ{key[:12]}"
        self.images[urn] = {"owner": owner, "key": key, "token": request.bearer, "data": None}
        expires = int(time.time() * 1000) + 3_600_000
        value = {"uploadUrl": f"{self.url}/dms-uploads/{key}", "image": urn}
        return Response(200, {"value": value | {"uploadUrlExpiresAt": expires}})

    def _upload(self, request: Request) -> Response:
        image = next((i for i in self.images.values() if i["key"] == request.params["key"]), None)
        if image is None:
            return Response(404, b"")
        if request.bearer != image["token"]:
            return Response(401, b"")
        image["data"], image["mime"] = request.body, request.headers.get("content-type", "")
        return Response(201, b"")

    def _create_post(self, request: Request, token: Token) -> Response:
        body = request.json() or {}
        author, commentary = body.get("author", ""), body.get("commentary", "")
        if not _acts_as(token, author):
            return denied("partnerApiPostsExternal.CREATE.20240901")
        missing = [k for k in ("visibility", "distribution", "lifecycleState") if k not in body]
        if missing:
            return error(422, "FIELD_MISSING", f"/{missing[0]} :: field is required but not found")
        if len(commentary) > 3000:
            return error(422, "INVALID_LENGTH", "/commentary :: length 3000 exceeded")
        problem = self._content_problem(body.get("content"))
        if problem:
            return error(400, "INVALID_CONTENT", problem)
        text = render(commentary)
        duplicate = next(
            (p for p in self.live_posts() if (p["author"], p["text"]) == (author, text)), None
        )
        if duplicate is not None and self.reject_duplicates:
            self.refused_duplicates.append((author, text))
            message = {"message": f"Content is a duplicate of {duplicate['id']}", "status": 422}
            return Response(422, DUPLICATE | message)
        number = next(self._ids)
        urn, now = f"urn:li:share:{number}", int(time.time() * 1000)
        times = {"createdAt": now, "lastModifiedAt": now, "publishedAt": now}
        activity = f"urn:li:activity:{number + 9}"  # LinkedIn's other id of the same post
        self.posts[urn] = body | times | {"id": urn, "text": text, "activity": activity}
        return Response(201, b"", {"x-restli-id": urn})

    def _content_problem(self, content: dict[str, Any] | None) -> str:
        if not content:
            return ""
        if "media" in content:
            entries, where = [content["media"]], "/content/media"
        else:
            entries, where = content.get("multiImage", {}).get("images", []), "/content/multiImage"
            if not 2 <= len(entries) <= 20:
                return f"{where}/images :: between 2 and 20 images are required"
        for entry in entries:
            image = self.images.get(entry.get("id", ""))
            if image is None or image["data"] is None:
                return f"{where}/id :: image {entry.get('id')} was not uploaded"
        return ""

    def _find_posts(self, request: Request, token: Token) -> Response:
        author = request.arg("author")
        if request.arg("q") != "author" or not _acts_as(token, author):
            return denied("posts.FINDER-author")
        count = int(request.arg("count", "10"))
        mine = [p for p in self.live_posts() if p["author"] == author]
        mine.sort(key=lambda p: p["createdAt"], reverse=True)
        elements = [
            {k: v for k, v in p.items() if k not in ("text", "activity")} for p in mine[:count]
        ]
        return Response(
            200, {"paging": {"start": 0, "count": count, "links": []}, "elements": elements}
        )

    def _update_post(self, request: Request, token: Token) -> Response:
        urn = self._urn(request)
        post = self.posts.get(urn or "")
        if request.headers.get("x-restli-method", "").upper() != "PARTIAL_UPDATE":
            return error(400, "ILLEGAL_ARGUMENT", "Use X-RestLi-Method: PARTIAL_UPDATE")
        if post is None or post["lifecycleState"] != "PUBLISHED":
            return not_found(f"Post {urn}")
        if not _acts_as(token, post["author"]):
            return denied("posts.PARTIAL_UPDATE")
        changes = ((request.json() or {}).get("patch") or {}).get("$set") or {}
        if "commentary" in changes:
            post["commentary"], post["text"] = changes["commentary"], render(changes["commentary"])
        post["lastModifiedAt"] = int(time.time() * 1000)
        return Response(204, b"")

    def _delete_post(self, request: Request, token: Token) -> Response:
        urn = self._urn(request)
        post = self.posts.get(urn or "")
        if post is None or post["lifecycleState"] != "PUBLISHED":
            return not_found(f"Post {urn}")
        if not _acts_as(token, post["author"]):
            return denied("posts.DELETE")
        post["lifecycleState"] = "DELETED"
        return Response(204, b"")

    def _thread(self, target: str) -> tuple[dict[str, Any] | None, str]:
        """The post a socialActions target belongs to, and the comment it names (if any)."""
        if target.startswith("urn:li:comment:"):
            comment = self.comments.get(target)
            return (self._post_of(comment["object"]), target) if comment else (None, "")
        return self._post_of(target), ""

    def _list_comments(self, request: Request, token: Token) -> Response:
        post, parent = self._thread(self._urn(request) or "")
        if post is None:
            return not_found("Target")
        found = [
            c
            for c in self.comments.values()
            if c["object"] == post["activity"] and c.get("parentComment", "") == parent
        ]
        found.sort(key=lambda c: c["created"]["time"])
        start, count = int(request.arg("start", "0")), int(request.arg("count", "10"))
        elements = [self._shown(c) for c in found[start : start + count]]
        paging = {"start": start, "count": count, "total": len(found), "links": []}
        return Response(200, {"paging": paging, "elements": elements})

    def _shown(self, comment: dict[str, Any]) -> dict[str, Any]:
        replies = [c for c in self.comments.values() if c.get("parentComment") == comment["$URN"]]
        summary = {"totalFirstLevelComments": len(replies), "aggregatedTotalComments": len(replies)}
        return comment | {"commentsSummary": summary}

    def _create_comment(self, request: Request, token: Token) -> Response:
        target = self._urn(request) or ""
        body = request.json() or {}
        post, parent = self._thread(target)
        if post is None or body.get("object") not in (post["id"], post["activity"]):
            return not_found("Target")
        if not _acts_as(token, body.get("actor", "")):
            return denied("comments.CREATE")
        if body.get("parentComment", "") != parent:
            return error(400, "ILLEGAL_ARGUMENT", "/parentComment :: must name the target comment")
        if parent and self.comments[parent].get("parentComment"):
            return error(400, "ILLEGAL_ARGUMENT", "Comments nest only one level deep")
        text = (body.get("message") or {}).get("text", "")
        if not text or len(text) > 1250:
            return error(422, "INVALID_LENGTH", "/message/text :: between 1 and 1250 characters")
        urn = self.add_comment(post["id"], text, actor=body["actor"], parent=parent)
        created = self._shown(self.comments[urn])
        return Response(201, created, {"x-restli-id": created["id"]})

    def _delete_comment(self, request: Request, token: Token) -> Response:
        post, _parent = self._thread(self._urn(request) or "")
        urn = f"urn:li:comment:({post['activity'] if post else ''},{request.params['id']})"
        if urn not in self.comments:
            return not_found("Comment")
        if not _acts_as(token, request.arg("actor")):
            return denied("comments.DELETE")
        del self.comments[urn]
        return Response(204, b"")
