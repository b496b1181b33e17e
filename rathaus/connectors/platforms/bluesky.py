"""Bluesky, through the AT Protocol SDK ``atproto`` (MarshalX).

An office connects with its handle and an *app password*; the password goes to
com.atproto.server.createSession once and is never stored, only the session's two JWTs.
The account's own password is refused: its session could even delete the account.
The client library refreshes the access token (2 hours) by itself shortly before it
expires, and the new tokens are saved at once: a refresh token works only once. The
account's ``token_expires_at`` is the refresh token's expiry, so the desk's "expires soon"
warning means "connect again", not the access token's every two hours.

Remote ids are the posts' ``at://`` URIs alone, so that replies (whose parent is a URI)
find our post with ``post_for``. A reply needs the parent's and the thread root's CID as
well: our own posts are read back from our repository (com.atproto.repo.getRecord, at
once consistent), citizens' posts from the AppView (app.bsky.feed.getPosts). For the same
reason the check before a retry reads our repository's newest posts
(com.atproto.repo.listRecords) and not the AppView's author feed, which lags behind.

Inbound are replies, mentions and quotes from app.bsky.notification.listNotifications, all
public. Direct messages (chat.bsky.convo) are out of scope: they need an app password
with the direct-message permission and calls proxied to the chat service.
"""

from __future__ import annotations

import io
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from atproto import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import LoginRequiredError, RequestErrorBase
from atproto_client.request import Request
from atproto_client.utils.facet_detection import detect_facets
from atproto_core.uri import AtUri
from atproto_server.auth.jwt import get_jwt_payload
from atproto_server.exceptions import TokenDecodeError
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.connectors.base import Connection, Credential, Fetched, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Posting
from rathaus.connectors.errors import status_error
from rathaus.delivery.channels import (
    PUBLIC,
    Attempt,
    DeliveryError,
    Limits,
    NeedsReauthorisation,
    PermanentError,
    Sent,
    TemporaryError,
)
from rathaus.lib import netguard
from rathaus.lib.graphemes import graphemes

if TYPE_CHECKING:
    from rathaus.connectors.base import Image
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message

T = TypeVar("T")
POST = "app.bsky.feed.post"
APP = "https://bsky.app"
KEPT_REASONS = {"reply", "mention", "quote"}
# Errors after which only connecting again helps (the access token got one refresh first).
REAUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown"}
# Images above this are scaled down (the lexicon's limit was 1 MB for years, now 2 MB).
MAX_IMAGE_BYTES = 1_000_000
MAX_PAGES = 10
PAGE = 50


class BlueskyLimits(Limits):
    def count(self, text: str) -> int:
        # A post may have 300 graphemes and 3000 bytes; counting a grapheme per 10 bytes as
        # well keeps both limits with one number (only long emoji sequences come near it).
        return max(graphemes(text), -(-len(text.encode()) // 10))


# ----- the connector ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A post as a reply names it: itself and its thread's first post, each URI and CID."""

    uri: str
    cid: str
    root_uri: str
    root_cid: str

    @classmethod
    def of(cls, uri: str, cid: str, value: Any) -> Ref:
        root = value.reply.root if getattr(value, "reply", None) else None
        return cls(uri, cid, root.uri if root else uri, root.cid if root else cid)

    def reply(self) -> models.AppBskyFeedPost.ReplyRef:
        strong = models.ComAtprotoRepoStrongRef.Main
        return models.AppBskyFeedPost.ReplyRef(
            root=strong(uri=self.root_uri, cid=self.root_cid),
            parent=strong(uri=self.uri, cid=self.cid),
        )


class BlueskyConnector(Posting, Answering, Deleting):
    platform = "bluesky"
    label = "Bluesky"
    default_limits = BlueskyLimits(
        max_chars=300, max_images=4, alt_text_required=True, alt_text_max_chars=2000, threads=True
    )
    default_api_base = "https://bsky.social"
    credentials = (
        Credential("handle", _("Handle"), secret=False, help=_("For example presse.example.de")),
        Credential(
            "app_password",
            _("App password"),
            help=_(
                "Create one in Bluesky under Settings → Privacy and security → App passwords; "
                "not the account's password. It is used once and not stored."
            ),
        ),
    )
    asks_api_base = True
    # A reply post only: the API used here has no private messages, so a "direct" answer
    # would be a public post with the reference number in it.
    answers = frozenset({PUBLIC})

    # ----- connecting ---------------------------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        handle = values.get("handle", "").strip().lstrip("@").lower()
        password = values.get("app_password", "").strip()
        if not handle or not password:
            raise PermanentError(gettext("Enter the handle and an app password."))
        base = api_base or settings.CONNECTOR_API_BASES.get(cls.platform) or cls.default_api_base
        client = _client(base)
        try:
            session = client.com.atproto.server.create_session(
                models.ComAtprotoServerCreateSession.Data(identifier=handle, password=password)
            )
            if get_jwt_payload(session.access_jwt).scope == "com.atproto.access":
                _end_session(client, session.refresh_jwt)
                raise PermanentError(
                    gettext(
                        "Bluesky: this is the account's own password. Create an app password "
                        "under Settings → Privacy and security → App passwords and use that."
                    )
                )
        except (RequestErrorBase, TokenDecodeError, httpx.HTTPError) as error:
            raise (_sorted(error) or TemporaryError(f"Bluesky: {error}")) from error
        finally:
            client.request.close()
        return _connection(session)

    def refresh(self) -> Connection:
        client = _client(self.api_base)
        bearer = {"Authorization": f"Bearer {self.account.refresh_token}"}
        try:
            return _connection(client.com.atproto.server.refresh_session(headers=bearer))
        except RequestErrorBase as error:
            # Raised as it is sorted: the base marks the account only for a plain
            # NeedsReauthorisation from here.
            raise (_sorted(error) or TemporaryError(str(error))) from error
        finally:
            client.request.close()

    # ----- posting ----------------------------------------------------------------------------

    def post(self, part: Part, *, reply_to: str | None, attempt: Attempt) -> Sent:
        def send(client: Client) -> Sent:
            embed = self._images(client, part.images) if part.images else None
            parent = self._own_ref(client, reply_to, attempt) if reply_to else None
            return self._create(
                client, attempt, part.text, parent=parent, embed=embed, language=part.language
            )

        return self._xrpc(send)

    def delete(self, remote_id: str) -> None:
        uri = AtUri.from_str(remote_id)
        data = models.ComAtprotoRepoDeleteRecord.Data(
            repo=self.did, collection=uri.collection, rkey=uri.rkey
        )
        self._xrpc(lambda client: client.com.atproto.repo.delete_record(data))

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        def look(client: Client) -> list[Seen]:
            return [
                Seen(
                    remote_id=record.uri,
                    url=self._url(record.uri),
                    text=record.value.text,
                    reply_to=record.value.reply.parent.uri if record.value.reply else "",
                    created_at=_moment(record.value.created_at),
                )
                for record in self._recent(client)
            ]

        return self._xrpc(look)

    def answer(self, part: Part, *, attempt: Attempt, parent: Message, reply_to: str) -> Sent:
        def send(client: Client) -> Sent:
            # The citizen's post is read from the AppView, our own earlier part from our
            # repository (at once consistent).
            if reply_to == parent.remote_id:
                target = self._their_ref(client, reply_to)
            else:
                target = self._own_ref(client, reply_to, attempt)
            return self._create(client, attempt, part.text, parent=target)

        return self._xrpc(send)

    @property
    def did(self) -> str:
        return self.account.remote_id

    @property
    def handle(self) -> str:
        return self.account.details.get("handle") or self.account.name

    def _create(
        self,
        client: Client,
        attempt: Attempt,
        text: str,
        *,
        parent: Ref | None = None,
        embed: Any = None,
        language: str = "",
    ) -> Sent:
        # The post's own language; an answer, whose language nobody chose, the site's.
        language = language or settings.LANGUAGE_CODE.split("-")[0]
        record = models.AppBskyFeedPost.Record(
            text=text,
            created_at=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            langs=[language],
            facets=detect_facets(text) or None,  # links, #tags: clickable
            reply=parent.reply() if parent else None,
            embed=embed,
        )
        created = client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(repo=self.did, collection=POST, record=record)
        )
        # The thread's next part names this one by CID: known now, not read back.
        attempt.memo[created.uri] = Ref.of(created.uri, created.cid, record)
        return Sent(remote_id=created.uri, url=self._url(created.uri))

    def _images(self, client: Client, images: tuple[Image, ...]) -> models.AppBskyEmbedImages.Main:
        embedded = []
        for image in images:
            data, mime, (width, height) = _fitting(image)
            upload = client.com.atproto.repo.upload_blob(data, headers={"Content-Type": mime})
            ratio = models.AppBskyEmbedDefs.AspectRatio(width=width, height=height)
            embedded.append(
                models.AppBskyEmbedImages.Image(
                    alt=image.alt, image=upload.blob, aspect_ratio=ratio
                )
            )
        return models.AppBskyEmbedImages.Main(images=embedded)

    def _own_ref(self, client: Client, uri: str, attempt: Attempt) -> Ref:
        """Our post ``uri``: posted in this attempt, else read back from our repository."""
        if uri not in attempt.memo:
            at = AtUri.from_str(uri)
            params = models.ComAtprotoRepoGetRecord.Params(
                repo=at.host, collection=at.collection, rkey=at.rkey
            )
            found = client.com.atproto.repo.get_record(params)
            attempt.memo[uri] = Ref.of(found.uri, found.cid or "", found.value)
        return attempt.memo[uri]

    def _their_ref(self, client: Client, uri: str) -> Ref:
        params = models.AppBskyFeedGetPosts.Params(uris=[uri])
        posts = client.app.bsky.feed.get_posts(params).posts
        if not posts:
            raise PermanentError(gettext("Bluesky: the post to answer was deleted."))
        return Ref.of(posts[0].uri, posts[0].cid, posts[0].record)

    def _recent(self, client: Client) -> list[models.ComAtprotoRepoListRecords.Record]:
        params = models.ComAtprotoRepoListRecords.Params(repo=self.did, collection=POST, limit=PAGE)
        return client.com.atproto.repo.list_records(params).records

    def _url(self, uri: str) -> str:
        return f"{APP}/profile/{self.handle}/post/{AtUri.from_str(uri).rkey}"

    # ----- fetching ---------------------------------------------------------------------------

    def fetch(self, cursor: str) -> Fetched:
        return self._xrpc(lambda client: self._notifications(client, cursor))

    def _notifications(self, client: Client, cursor: str) -> Fetched:
        """The API pages from the newest backwards; our cursor is the newest indexedAt seen,
        and paging stops at the first notification older than it."""
        since = _when(cursor) if cursor else None
        messages: list[InboundMessage] = []
        newest, page = cursor, None
        for _page in range(MAX_PAGES):
            params = models.AppBskyNotificationListNotifications.Params(limit=PAGE, cursor=page)
            answer = client.app.bsky.notification.list_notifications(params)
            for note in answer.notifications:
                if since and _when(note.indexed_at) < since:
                    return Fetched(messages, newest)
                if not newest or _when(note.indexed_at) > _when(newest):
                    newest = note.indexed_at
                if note.reason in KEPT_REASONS and note.author.did != self.did:
                    messages.append(self._inbound(note))
            if not answer.cursor:
                break
            page = answer.cursor
        return Fetched(messages, newest)

    def _inbound(self, note: Any) -> InboundMessage:
        record, author = note.record, note.author
        reply = getattr(record, "reply", None)
        parent = reply.parent.uri if reply else ""
        candidates = [reply.root.uri if reply else "", parent, _quoted(record)]
        return self.inbound(
            remote_id=note.uri,
            text_html=_html(record.text, getattr(record, "facets", None)),
            author_name=author.display_name or author.handle,
            author_handle=f"@{author.handle}",
            author_url=f"{APP}/profile/{author.handle}",
            in_reply_to=parent,
            post=next((p for uri in candidates if uri and (p := self.post_for(uri))), None),
            is_public=True,
            url=f"{APP}/profile/{author.handle}/post/{AtUri.from_str(note.uri).rkey}",
        )

    # ----- the client, tokens and errors ------------------------------------------------------

    def _xrpc(self, work: Callable[[Client], T]) -> T:
        """Run ``work`` with a client; when the PDS says the access token expired although
        it should not have (clocks), refresh once and run it again (nothing was written)."""
        try:
            with self._session() as client:
                return work(client)
        except RequestErrorBase as error:
            if _error_name(error) != "ExpiredToken":
                raise
        self._store(self.refresh())
        with self._session() as client:
            return work(client)

    @contextmanager
    def _session(self) -> Iterator[Client]:
        client = _client(self.api_base)
        tokens = (self.account.access_token, self.account.refresh_token)
        session = Session(self.handle, self.did, *tokens, pds_endpoint=self.api_base)
        try:
            client.login(session_string=session.export(), fetch_bsky_profile=False)
            client.on_session_change(self._session_changed)
            yield client
        finally:
            client.request.close()

    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        # The library refreshed the access token before a call: keep the new tokens, the
        # old refresh token is spent.
        if event == SessionEvent.REFRESH:
            self._store(_connection(session))

    def _store(self, connection: Connection) -> None:
        from rathaus.connectors import accounts

        accounts.store_tokens(self.account, connection)

    def classify(self, error: Exception) -> DeliveryError | None:
        return _sorted(error)


CONNECTOR = BlueskyConnector


def _client(api_base: str) -> Client:
    # Connects only to public addresses (or allowed hosts), redirects included: the
    # server is an address an office admin typed, and the library follows redirects.
    transport = netguard.HTTPTransport(verify=_tls())
    return Client(base_url=api_base, request=Request(timeout=30.0, transport=transport))


@cache
def _tls() -> ssl.SSLContext:
    # Made once: building the certificate store costs more than the request it serves.
    return httpx.create_ssl_context()


def _end_session(client: Client, refresh_jwt: str) -> None:
    with suppress(RequestErrorBase, httpx.HTTPError):
        bearer = {"Authorization": f"Bearer {refresh_jwt}"}
        client.com.atproto.server.delete_session(headers=bearer)


def _connection(session: Any) -> Connection:
    """A session (createSession, refreshSession, or the library's Session) as tokens."""
    access = getattr(session, "access_jwt", "")
    refresh = getattr(session, "refresh_jwt", "")
    return Connection(
        remote_id=session.did,
        name=session.handle,
        access_token=access,
        refresh_token=refresh,
        expires_at=_expiry(refresh) or _expiry(access),
        details={"handle": session.handle},
    )


def _expiry(jwt: str) -> datetime | None:
    """The ``exp`` claim, read without checking the signature (only the PDS can)."""
    with suppress(TokenDecodeError):
        exp = get_jwt_payload(jwt).exp
        return datetime.fromtimestamp(exp, UTC) if exp else None
    return None


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _moment(stamp: str) -> datetime | None:
    """A record's createdAt, which its author wrote (None if unreadable)."""
    try:
        return datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None


def _error_name(error: RequestErrorBase) -> str:
    content = error.response.content if error.response is not None else None
    return getattr(content, "error", "") or ""


def _sorted(error: Exception) -> DeliveryError | None:
    if isinstance(error, TokenDecodeError | LoginRequiredError):
        return NeedsReauthorisation(gettext("Bluesky: the stored session is unusable."))
    if not isinstance(error, RequestErrorBase):
        return None  # httpx's own errors: the shared rules know them
    response = error.response
    if response is None:
        return TemporaryError(f"Bluesky: network: {error.__cause__ or type(error).__name__}")
    content = response.content
    name = getattr(content, "error", "") or ""
    words = getattr(content, "message", "") or ""
    message = f"Bluesky: {': '.join(w for w in (name, words) if w) or response.status_code}"
    if name in REAUTH_ERRORS or response.status_code == 401:
        return NeedsReauthorisation(message)
    return status_error(response.status_code, response.headers, message)


def _quoted(record: Any) -> str:
    embed = getattr(record, "embed", None)
    quoted = getattr(embed, "record", None)
    quoted = getattr(quoted, "record", quoted)  # recordWithMedia nests it once more
    return getattr(quoted, "uri", "") or ""


def _html(text: str, facets: list | None) -> str:
    """The post's text as HTML, its links and mentions as links (facets count UTF-8 bytes)."""
    data, parts, done = text.encode(), [], 0
    for facet in sorted(facets or [], key=lambda f: f.index.byte_start):
        start, end = facet.index.byte_start, facet.index.byte_end
        feature = facet.features[0] if facet.features else None
        href = getattr(feature, "uri", "") or (
            f"{APP}/profile/{feature.did}" if getattr(feature, "did", "") else ""
        )
        if not href or start < done or end > len(data):
            continue
        parts.append(escape(data[done:start].decode(errors="replace")))
        label = escape(data[start:end].decode(errors="replace"))
        parts.append(f'<a href="{escape(href)}">{label}</a>')
        done = end
    parts.append(escape(data[done:].decode(errors="replace")))
    paragraphs = "".join(parts).split("\n\n")
    return "".join(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())


def _fitting(image: Image) -> tuple[bytes, str, tuple[int, int]]:
    """The image's bytes, MIME type and size in pixels; scaled down and made a JPEG when it
    is larger than Bluesky takes (a phone photo easily is)."""
    from PIL import Image as Pillow
    from PIL import UnidentifiedImageError

    try:
        picture = Pillow.open(io.BytesIO(image.data))
    except (UnidentifiedImageError, OSError) as error:
        raise PermanentError(f"Bluesky: {image.name} is no image: {error}") from error
    with picture:
        size = picture.size
        if len(image.data) <= MAX_IMAGE_BYTES:
            return image.data, image.mime, size
        picture = picture.convert("RGB")
        picture.thumbnail((2000, 2000))
        for quality in (85, 75, 65, 55, 45):
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= MAX_IMAGE_BYTES:
                break
            picture.thumbnail((picture.width * 3 // 4, picture.height * 3 // 4))
        return buffer.getvalue(), "image/jpeg", picture.size
