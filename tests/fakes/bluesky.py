"""A fake Bluesky PDS, answering also the AppView calls a real PDS proxies (posts,
notifications), on loopback, for the connector tests and the benchmark.

It speaks XRPC as https://docs.bsky.app documents it: ``/xrpc/<nsid>``, JSON bodies, errors
as ``{"error": ..., "message": ...}`` with the PDS's status codes (an expired access token is
400 ExpiredToken, a bad password 401 AuthenticationRequired), and the ``ratelimit-*`` headers
on every answer. Sessions are JWTs that are well formed but unsigned (the client only reads
their ``exp``); refresh tokens are used once, as on Bluesky. Records get TID record keys and
CIDv1 (sha-256) content ids; posts are checked against the app.bsky.feed.post lexicon (300
graphemes, 4 images with alt text, blobs that were uploaded, replies to records that exist).
Creating a post notifies the authors it replies to, quotes or mentions.

For the benchmark: ``FakeBluesky()`` then ``start()``, ``url``, ``connection_values()`` (the
ConnectedAccount fields of the office's account) and ``posts_by_account()``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from atproto_client.utils.facet_detection import _grapheme_len  # an independent count

from tests.fakes.server import FakeServer, Request, Response

HANDLE = "mitte.bsky.social"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
ACCOUNT_PASSWORD = "the-account-password"
CITIZEN = "anna.bsky.social"
POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
MAX_GRAPHEMES = 300
MAX_IMAGE_BYTES = 1_000_000
RATE_LIMIT = 5000
_S32 = "234567abcdefghijklmnopqrstuvwxyz"


class Refusal(Exception):
    """An XRPC error answer: raised inside a handler."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


@dataclass
class Account:
    did: str
    handle: str
    password: str
    app_passwords: set[str]
    display_name: str = ""


@dataclass
class StoredRecord:
    uri: str
    cid: str
    did: str
    collection: str
    rkey: str
    value: dict[str, Any]
    indexed_at: str


@dataclass
class Notification:
    recipient: str
    record: StoredRecord
    reason: str
    reason_subject: str = ""


@dataclass
class Tokens:
    did: str
    scope: str
    exp: int
    revoked: bool = field(default=False)


def cid_for(data: bytes, codec: int = 0x71) -> str:
    """A CIDv1 (dag-cbor 0x71, raw 0x55) over sha-256, base32 as atproto writes it."""
    raw = bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(claims: dict[str, Any], typ: str) -> str:
    header = {"typ": typ, "alg": "ES256K"}
    parts = [json.dumps(header).encode(), json.dumps(claims).encode(), secrets.token_bytes(64)]
    return ".".join(_b64(part) for part in parts)


class FakeBluesky(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.state = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, Tokens] = {}
        self.records: dict[str, StoredRecord] = {}
        # (did, cid) → data, mime, did: every repository holds its own blobs, so the same
        # image uploaded by two accounts is two blobs.
        self.blobs: dict[tuple[str, str], tuple[bytes, str, str]] = {}
        self.notifications: list[Notification] = []
        self.access_lifetime = timedelta(hours=2)
        self.refresh_lifetime = timedelta(days=90)
        self._last_stamp = datetime.now(UTC)
        self._last_tid = 0
        self.post_attempts = 0
        self.failing_attempts: set[int] = set()
        self.owner = self.add_account(HANDLE, display_name="Bezirksamt Mitte")
        self.citizen = self.add_account(CITIZEN, display_name="Anna Anwohnerin")
        self._add_routes()

    # ----- accounts and sessions --------------------------------------------------------

    def add_account(self, handle: str, *, display_name: str = "") -> Account:
        digest = base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()
        account = Account(
            did=f"did:plc:{digest[:24]}",
            handle=handle,
            password=ACCOUNT_PASSWORD,
            app_passwords={APP_PASSWORD},
            display_name=display_name,
        )
        self.accounts[account.did] = account
        return account

    def session_for(
        self,
        account: Account | None = None,
        *,
        scope: str = "com.atproto.appPass",
        access_in: timedelta | None = None,
        refresh_in: timedelta | None = None,
    ) -> dict[str, Any]:
        """Tokens as createSession issues them (tests give shorter or past lifetimes)."""
        account = account or self.owner
        now = int(time.time())
        access_exp = now + int((access_in or self.access_lifetime).total_seconds())
        refresh_exp = now + int((refresh_in or self.refresh_lifetime).total_seconds())
        base = {"sub": account.did, "aud": "did:web:fake.bsky.test", "iat": now}
        access = jwt({**base, "scope": scope, "exp": access_exp}, "at+jwt")
        refresh = jwt(
            {
                **base,
                "scope": "com.atproto.refresh",
                "jti": secrets.token_hex(8),
                "exp": refresh_exp,
            },
            "refresh+jwt",
        )
        with self.state:
            self.tokens[access] = Tokens(account.did, scope, access_exp)
            self.tokens[refresh] = Tokens(account.did, "com.atproto.refresh", refresh_exp)
        return {
            "did": account.did,
            "handle": account.handle,
            "accessJwt": access,
            "refreshJwt": refresh,
            "active": True,
            "didDoc": self._did_doc(account),
        }

    def connection_values(self, **lifetimes: timedelta) -> dict[str, Any]:
        """The ConnectedAccount fields of the office's account, with a fresh session."""
        session = self.session_for(**lifetimes)
        refresh_exp = self.tokens[session["refreshJwt"]].exp
        return {
            "remote_id": session["did"],
            "name": session["handle"],
            "access_token": session["accessJwt"],
            "refresh_token": session["refreshJwt"],
            "token_expires_at": datetime.fromtimestamp(refresh_exp, UTC),
            "details": {"handle": session["handle"]},
        }

    def connect(self, connect_account: Callable, **lifetimes: timedelta) -> Any:
        """The office's account connected to this server (tests' ``connect_account``)."""
        return connect_account("bluesky", api_base=self.url, **self.connection_values(**lifetimes))

    def expire(self, token: str) -> None:
        """The server holds the token for expired, whatever its claims say."""
        with self.state:
            self.tokens[token].exp = 0

    def revoke(self, token: str) -> None:
        with self.state:
            self.tokens[token].revoked = True

    def fail_post(self, number: int) -> None:
        """The ``number``-th attempt to create a post from now on (1 = the next) fails, 503."""
        with self.state:
            self.failing_attempts.add(self.post_attempts + number)

    def rate_limit_next(self, seconds: int = 120, *, path: str | None = None) -> None:
        """The next call is refused as the PDS does: 429 with the window's reset epoch."""
        self.fail_next(
            429,
            headers={
                "ratelimit-limit": str(RATE_LIMIT),
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int(time.time()) + seconds),
                "ratelimit-policy": f"{RATE_LIMIT};w=3600",
            },
            body={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            path=path,
        )

    # ----- what tests and the benchmark look at ------------------------------------------

    def posts(self, did: str | None = None) -> list[StoredRecord]:
        with self.state:
            found = [r for r in self.records.values() if r.collection == POST]
        return [r for r in found if did is None or r.did == did]

    def posts_by_account(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for record in self.posts():
            found.setdefault(record.did, []).append(record.value["text"])
        return found

    def record(self, uri: str) -> StoredRecord | None:
        with self.state:
            return self.records.get(uri)

    # ----- what citizens do ---------------------------------------------------------------

    def citizen_post(
        self,
        text: str,
        *,
        reply_to: str | None = None,
        quote: str | None = None,
        mention: Account | None = None,
        author: Account | None = None,
    ) -> StoredRecord:
        author = author or self.citizen
        value: dict[str, Any] = {"$type": POST, "text": text, "createdAt": self._stamp()}
        if reply_to:
            parent = self.records[reply_to]
            root = parent.value.get("reply", {}).get("root") or self._ref(parent)
            value["reply"] = {"root": root, "parent": self._ref(parent)}
        if quote:
            value["embed"] = {
                "$type": "app.bsky.embed.record",
                "record": self._ref(self.records[quote]),
            }
        if mention:
            at = f"@{mention.handle}"
            value["text"] = f"{at} {text}"
            value["facets"] = [
                {
                    "index": {"byteStart": 0, "byteEnd": len(at.encode())},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": mention.did}],
                }
            ]
        with self.state:
            return self._store(author.did, POST, value)

    def like(self, uri: str, *, author: Account | None = None) -> StoredRecord:
        subject = self._ref(self.records[uri])
        value = {"$type": LIKE, "subject": subject, "createdAt": self._stamp()}
        with self.state:
            return self._store((author or self.citizen).did, LIKE, value)

    # ----- routes ---------------------------------------------------------------------------

    def _add_routes(self) -> None:
        xrpc = self._xrpc
        xrpc("POST", "com.atproto.server.createSession", self._create_session, auth=None)
        xrpc("POST", "com.atproto.server.refreshSession", self._refresh_session, auth="refresh")
        xrpc("POST", "com.atproto.server.deleteSession", self._delete_session, auth="refresh")
        xrpc("POST", "com.atproto.repo.uploadBlob", self._upload_blob)
        xrpc("POST", "com.atproto.repo.createRecord", self._create_record)
        xrpc("POST", "com.atproto.repo.deleteRecord", self._delete_record)
        xrpc("GET", "com.atproto.repo.getRecord", self._get_record, auth=None)
        xrpc("GET", "com.atproto.repo.listRecords", self._list_records, auth=None)
        xrpc("GET", "app.bsky.feed.getPosts", self._get_posts)
        xrpc("GET", "app.bsky.notification.listNotifications", self._list_notifications)

    def _xrpc(
        self, method: str, nsid: str, handler: Callable, *, auth: str | None = "access"
    ) -> None:
        def serve(request: Request) -> Response:
            try:
                with self.state:
                    did = self._authorise(request, auth) if auth else ""
                    body = handler(request, did)
            except Refusal as refusal:
                body = {"error": refusal.error, "message": refusal.message}
                return Response(refusal.status, body, self._limit_headers())
            return Response(200, body, self._limit_headers())

        self.route(method, "/xrpc/" + re.escape(nsid))(serve)

    def _limit_headers(self) -> dict[str, str]:
        return {
            "ratelimit-limit": str(RATE_LIMIT),
            "ratelimit-remaining": str(RATE_LIMIT - len(self.requests) % RATE_LIMIT),
            "ratelimit-reset": str(int(time.time()) + 3600),
            "ratelimit-policy": f"{RATE_LIMIT};w=3600",
        }

    def _authorise(self, request: Request, kind: str) -> str:
        token = request.bearer
        if not token:
            raise Refusal(401, "AuthenticationRequired", "Authentication Required")
        held = self.tokens.get(token)
        if held is None or held.revoked:
            raise Refusal(401, "InvalidToken", "Token could not be verified")
        if (held.scope == "com.atproto.refresh") != (kind == "refresh"):
            raise Refusal(400, "InvalidToken", "Bad token scope")
        if held.exp <= time.time():
            raise Refusal(400, "ExpiredToken", "Token has expired")
        return held.did

    # ----- com.atproto.server ----------------------------------------------------------------

    def _create_session(self, request: Request, _did: str) -> dict[str, Any]:
        data = request.json() or {}
        identifier = str(data.get("identifier", "")).lower().lstrip("@")
        account = next((a for a in self.accounts.values() if identifier in (a.handle, a.did)), None)
        password = data.get("password")
        if account is None or password not in account.app_passwords | {account.password}:
            raise Refusal(401, "AuthenticationRequired", "Invalid identifier or password")
        scope = "com.atproto.access" if password == account.password else "com.atproto.appPass"
        return self.session_for(account, scope=scope)

    def _refresh_session(self, request: Request, did: str) -> dict[str, Any]:
        self.tokens[request.bearer].revoked = True  # rotated: a refresh token works once
        return self.session_for(self.accounts[did])

    def _delete_session(self, request: Request, _did: str) -> dict[str, Any]:
        self.tokens[request.bearer].revoked = True
        return {}

    # ----- com.atproto.repo --------------------------------------------------------------------

    def _upload_blob(self, request: Request, did: str) -> dict[str, Any]:
        mime = request.headers.get("content-type", "")
        if not request.body:
            raise Refusal(400, "InvalidRequest", "Request body is empty")
        cid = cid_for(request.body, codec=0x55)
        self.blobs[(did, cid)] = (request.body, mime, did)
        ref = {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(request.body)}
        return {"blob": ref}

    def _create_record(self, request: Request, did: str) -> dict[str, Any]:
        data = request.json() or {}
        if data.get("repo") not in (did, self.accounts[did].handle):
            raise Refusal(400, "InvalidRequest", "Invalid repo")
        collection, value = data.get("collection"), data.get("record") or {}
        if value.get("$type") != collection:
            raise Refusal(400, "InvalidRequest", f"Invalid $type: expected {collection}")
        if collection == POST:
            self._check_post(value, did)
            self.post_attempts += 1
            if self.post_attempts in self.failing_attempts:
                raise Refusal(503, "InternalServerError", "Internal Server Error")
        stored = self._store(did, collection, value)
        commit = {"cid": cid_for(stored.uri.encode()), "rev": stored.rkey}
        return {"uri": stored.uri, "cid": stored.cid, "commit": commit, "validationStatus": "valid"}

    def _delete_record(self, request: Request, did: str) -> dict[str, Any]:
        data = request.json() or {}
        if data.get("repo") not in (did, self.accounts[did].handle):
            raise Refusal(400, "InvalidRequest", "Invalid repo")
        uri = f"at://{did}/{data.get('collection')}/{data.get('rkey')}"
        self.records.pop(uri, None)  # deleting what is gone is no error
        self.notifications = [n for n in self.notifications if n.record.uri != uri]
        return {"commit": {"cid": cid_for(uri.encode() + b"-"), "rev": self._tid()}}

    def _get_record(self, request: Request, _did: str) -> dict[str, Any]:
        repo = self._did_of(request.arg("repo"))
        uri = f"at://{repo}/{request.arg('collection')}/{request.arg('rkey')}"
        record = self.records.get(uri)
        if record is None:
            raise Refusal(400, "RecordNotFound", f"Could not locate record: {uri}")
        return {"uri": record.uri, "cid": record.cid, "value": record.value}

    def _list_records(self, request: Request, _did: str) -> dict[str, Any]:
        repo, collection = self._did_of(request.arg("repo")), request.arg("collection")
        limit, cursor = int(request.arg("limit") or 50), request.arg("cursor")
        reverse = request.arg("reverse") == "true"
        found = [r for r in self.records.values() if r.did == repo and r.collection == collection]
        found.sort(key=lambda r: r.rkey, reverse=not reverse)
        if cursor:
            found = [r for r in found if (r.rkey > cursor if reverse else r.rkey < cursor)]
        page = found[:limit]
        body: dict[str, Any] = {
            "records": [{"uri": r.uri, "cid": r.cid, "value": r.value} for r in page]
        }
        if len(found) > limit:
            body["cursor"] = page[-1].rkey
        return body

    # ----- app.bsky (the AppView, through the PDS) --------------------------------------------

    def _get_posts(self, request: Request, _did: str) -> dict[str, Any]:
        uris = request.query.get("uris", [])
        if len(uris) > 25:
            raise Refusal(400, "InvalidRequest", "Error: uris must not have more than 25 elements")
        found = [self.records[u] for u in uris if u in self.records]
        return {"posts": [self._post_view(r) for r in found if r.collection == POST]}

    def _list_notifications(self, request: Request, did: str) -> dict[str, Any]:
        limit, cursor = int(request.arg("limit") or 50), request.arg("cursor")
        found = sorted(
            (n for n in self.notifications if n.recipient == did),
            key=lambda n: n.record.indexed_at,
            reverse=True,
        )
        if cursor:
            found = [n for n in found if n.record.indexed_at < cursor]
        page = found[:limit]
        body: dict[str, Any] = {
            "notifications": [self._notification_view(n) for n in page],
            "priority": False,
        }
        if len(found) > limit:
            body["cursor"] = page[-1].record.indexed_at
        return body

    # ----- the store ---------------------------------------------------------------------------

    def _store(self, did: str, collection: str, value: dict[str, Any]) -> StoredRecord:
        rkey = self._tid()
        raw = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
        record = StoredRecord(
            uri=f"at://{did}/{collection}/{rkey}",
            cid=cid_for(raw),
            did=did,
            collection=collection,
            rkey=rkey,
            value=value,
            indexed_at=self._stamp(),
        )
        self.records[record.uri] = record
        self._notify(record)
        return record

    def _notify(self, record: StoredRecord) -> None:
        """Who hears of a new record, as the AppView tells them (never its own author)."""
        value, told = record.value, set()

        def tell(uri: str, reason: str) -> None:
            target = self.records.get(uri)
            if target and target.did != record.did and target.did not in told:
                told.add(target.did)
                self.notifications.append(Notification(target.did, record, reason, uri))

        if record.collection == LIKE:
            tell(value["subject"]["uri"], "like")
            return
        if "reply" in value:
            tell(value["reply"]["parent"]["uri"], "reply")
            tell(value["reply"]["root"]["uri"], "reply")
        if value.get("embed", {}).get("$type") == "app.bsky.embed.record":
            tell(value["embed"]["record"]["uri"], "quote")
        for facet in value.get("facets", []):
            for feature in facet.get("features", []):
                did = feature.get("did")
                if feature.get("$type", "").endswith("#mention") and did not in told | {record.did}:
                    told.add(did)
                    self.notifications.append(Notification(did, record, "mention"))

    def _check_post(self, value: dict[str, Any], did: str) -> None:
        text = value.get("text")
        if not isinstance(text, str) or not value.get("createdAt"):
            raise Refusal(400, "InvalidRequest", "Invalid app.bsky.feed.post record: text")
        invalid = "Invalid app.bsky.feed.post record: Record"
        if len(text.encode()) > 3000 or _grapheme_len(text) > MAX_GRAPHEMES:
            raise Refusal(
                400, "InvalidRequest", f"{invalid}/text must not be longer than 300 graphemes"
            )
        if len(value.get("langs", [])) > 3:
            raise Refusal(
                400, "InvalidRequest", f"{invalid}/langs must not have more than 3 elements"
            )
        for facet in value.get("facets", []):
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if not 0 <= start < end <= len(text.encode()):
                raise Refusal(400, "InvalidRequest", f"{invalid}/facets has an invalid byte slice")
        self._check_images(value.get("embed"), did, invalid)
        reply = value.get("reply")
        for role in ("root", "parent") if reply else ():
            ref = reply.get(role) or {}
            held = self.records.get(ref.get("uri", ""))
            if held is None or held.cid != ref.get("cid"):
                raise Refusal(400, "InvalidRequest", f"{invalid}/reply/{role} is not a record")

    def _check_images(self, embed: dict[str, Any] | None, did: str, invalid: str) -> None:
        if not embed or embed.get("$type") != "app.bsky.embed.images":
            return
        images = embed.get("images", [])
        if len(images) > 4:
            raise Refusal(
                400, "InvalidRequest", f"{invalid}/embed/images must not have more than 4 elements"
            )
        for number, image in enumerate(images):
            cid = image.get("image", {}).get("ref", {}).get("$link", "")
            blob = self.blobs.get((did, cid))
            if not isinstance(image.get("alt"), str) or blob is None or blob[2] != did:
                raise Refusal(400, "InvalidRequest", f"{invalid}/embed/images/{number} is invalid")
            if len(blob[0]) > MAX_IMAGE_BYTES:
                raise Refusal(
                    400,
                    "InvalidRequest",
                    f"{invalid}/embed/images/{number}/image file too big (max {MAX_IMAGE_BYTES} bytes)",
                )

    # ----- views -------------------------------------------------------------------------------

    def _profile(self, did: str) -> dict[str, Any]:
        account = self.accounts[did]
        view = {"did": did, "handle": account.handle, "labels": []}
        if account.display_name:
            view["displayName"] = account.display_name
        return view

    def _post_view(self, record: StoredRecord) -> dict[str, Any]:
        return {
            "uri": record.uri,
            "cid": record.cid,
            "author": self._profile(record.did),
            "record": record.value,
            "indexedAt": record.indexed_at,
            "replyCount": 0,
            "repostCount": 0,
            "likeCount": 0,
            "labels": [],
        }

    def _notification_view(self, notification: Notification) -> dict[str, Any]:
        record = notification.record
        view = {
            "uri": record.uri,
            "cid": record.cid,
            "author": self._profile(record.did),
            "reason": notification.reason,
            "record": record.value,
            "isRead": False,
            "indexedAt": record.indexed_at,
            "labels": [],
        }
        if notification.reason_subject:
            view["reasonSubject"] = notification.reason_subject
        return view

    def _did_doc(self, account: Account) -> dict[str, Any]:
        pds = self.url if self._httpd is not None else "https://fake.bsky.test"
        return {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": account.did,
            "alsoKnownAs": [f"at://{account.handle}"],
            "service": [
                {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": pds}
            ],
        }

    # ----- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _ref(record: StoredRecord) -> dict[str, str]:
        return {"uri": record.uri, "cid": record.cid}

    def _did_of(self, repo: str) -> str:
        return next((a.did for a in self.accounts.values() if repo in (a.did, a.handle)), repo)

    def _stamp(self) -> str:
        """Now as the AppView writes it; strictly increasing, so cursors never tie."""
        with self.state:
            now = max(datetime.now(UTC), self._last_stamp + timedelta(milliseconds=1))
            self._last_stamp = now
        return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _tid(self) -> str:
        """A record key as the PDS makes one: microseconds since 1970 and a clock id, base32."""
        with self.state:
            micros = max(int(time.time() * 1_000_000), self._last_tid + 1)
            self._last_tid = micros
        number = (micros << 10) | 7
        return "".join(_S32[(number >> (5 * i)) & 31] for i in reversed(range(13)))
