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

Here: connecting, posting, answering and deleting. The client, the session's tokens and the
PDS's errors are in ``_bluesky_client``; reading the notifications in ``_bluesky_notifications``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from atproto import Client, models
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import RequestErrorBase
from atproto_client.utils.facet_detection import detect_facets
from atproto_core.uri import AtUri
from atproto_server.auth.jwt import get_jwt_payload
from atproto_server.exceptions import TokenDecodeError
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.connectors.base import Connection, Credential, Fetched, Part, Seen
from rathaus.connectors.capabilities import Answering, Deleting, Posting
from rathaus.connectors.platforms import _bluesky_client as pds
from rathaus.connectors.platforms._bluesky_client import APP, PAGE
from rathaus.connectors.platforms._bluesky_notifications import notifications
from rathaus.delivery.channels import (
    PUBLIC,
    Attempt,
    DeliveryError,
    Limits,
    PermanentError,
    Sent,
    TemporaryError,
)
from rathaus.lib.graphemes import graphemes

if TYPE_CHECKING:
    from rathaus.connectors.base import Image
    from rathaus.inbox.models import Message

T = TypeVar("T")
POST = "app.bsky.feed.post"
# Images above this are scaled down (the lexicon's limit was 1 MB for years, now 2 MB).
MAX_IMAGE_BYTES = 1_000_000


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
    server_example = "https://bsky.social"
    stores = _(
        "Rathaus stores the handle, the account's id (DID) and the session tokens Bluesky gives "
        "for the app password, encrypted. The app password itself is not stored."
    )
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
        client = pds.client(base)
        try:
            session = client.com.atproto.server.create_session(
                models.ComAtprotoServerCreateSession.Data(identifier=handle, password=password)
            )
            if get_jwt_payload(session.access_jwt).scope == "com.atproto.access":
                pds.end_session(client, session.refresh_jwt)
                raise PermanentError(
                    gettext(
                        "Bluesky: this is the account's own password. Create an app password "
                        "under Settings → Privacy and security → App passwords and use that."
                    )
                )
        except (RequestErrorBase, TokenDecodeError, httpx.HTTPError) as error:
            raise (pds.sorted_error(error) or TemporaryError(f"Bluesky: {error}")) from error
        finally:
            client.request.close()
        return pds.connection(session)

    def refresh(self) -> Connection:
        client = pds.client(self.api_base)
        bearer = {"Authorization": f"Bearer {self.account.refresh_token}"}
        try:
            return pds.connection(client.com.atproto.server.refresh_session(headers=bearer))
        except RequestErrorBase as error:
            # Raised as it is sorted: the base marks the account only for a plain
            # NeedsReauthorisation from here.
            raise (pds.sorted_error(error) or TemporaryError(str(error))) from error
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
        return self._xrpc(lambda client: notifications(self, client, cursor))

    # ----- the client, tokens and errors ------------------------------------------------------

    def _xrpc(self, work: Callable[[Client], T]) -> T:
        """Run ``work`` with a client; when the PDS says the access token expired although
        it should not have (clocks), refresh once and run it again (nothing was written)."""
        try:
            with self._session() as client:
                return work(client)
        except RequestErrorBase as error:
            if pds.error_name(error) != "ExpiredToken":
                raise
        self._store(self.refresh())
        with self._session() as client:
            return work(client)

    @contextmanager
    def _session(self) -> Iterator[Client]:
        client = pds.client(self.api_base)
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
            self._store(pds.connection(session))

    def _store(self, connection: Connection) -> None:
        from rathaus.connectors import accounts

        accounts.store_tokens(self.account, connection)

    def classify(self, error: Exception) -> DeliveryError | None:
        return pds.sorted_error(error)


CONNECTOR = BlueskyConnector


def _moment(stamp: str) -> datetime | None:
    """A record's createdAt, which its author wrote (None if unreadable)."""
    try:
        return datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None


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
