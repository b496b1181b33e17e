"""The interface every platform connector implements, and what they all share.

A platform is one module, ``rathaus/connectors/platforms/<name>.py``, naming its connector
``CONNECTOR``. The class says what the platform can do by what it is made of —
``Posting``, ``Answering``, ``Editing``, ``Deleting`` (``connectors.capabilities``) — and
implements the platform's calls for those: ``post``, ``answer``, ``edit``, ``delete``;
besides, as far as the platform allows, ``recent`` (its own latest posts, for the check
before a retry), ``fetch`` (what citizens wrote), ``refresh``, ``classify`` and, to connect
an account, ``verify`` or ``from_oauth``. :class:`Connector` is the rest: the account as a
channel of its own, posts rendered into parts, citizens' messages into the inbox's form,
tokens refreshed before they expire and the library's errors sorted (``calling``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from django.conf import settings
from django.utils import timezone

from rathaus.connectors import errors, rendering
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import (
    Attempt,
    Channel,
    DeliveryError,
    Limits,
    NeedsReauthorisation,
    PermanentError,
    PostedByHand,
)
from rathaus.delivery.models import Delivery
from rathaus.posts import images as post_images

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post

log = logging.getLogger(__name__)
# A token this close to its expiry is refreshed before the next call.
REFRESH_AHEAD = timedelta(minutes=5)
# How many of an account's latest deliveries a reply to a thread's later part (or to an
# answer's) is looked up in, and a check before retry knows to be someone else's.
RECENT_THREADS = 200


@dataclass(frozen=True)
class Image:
    data: bytes
    mime: str
    alt: str
    name: str
    # Its JPEG rendition on the newsroom, for platforms that fetch images by address.
    jpeg_url: str = ""


@dataclass(frozen=True)
class Part:
    """One platform post: a whole post, or one post of a thread (or of an answer)."""

    text: str
    images: tuple[Image, ...] = ()
    # Position in the thread (0 = first) and the thread's length.
    index: int = 0
    total: int = 1
    link: str = ""  # the original on the office's newsroom
    title: str = ""
    # The post's language as a primary subtag ("de", "en"), for platforms that tag posts
    # with it (Bluesky's langs, Mastodon's language); "" where unknown (answers).
    language: str = ""


@dataclass(frozen=True)
class Seen:
    """One of the account's own recent posts as the check before a retry compares it with
    a part: its id and link, its text as the platform gives it back, the post it replies
    to (written as our remote ids are; "" for none), and when it was made, if known.
    ``ours``: the platform names the account as its author. Everything on the account's
    own timeline is; the replies under a citizen's comment (where Facebook, Instagram and
    LinkedIn show our answers) are everybody's, and only ours may be taken for our part."""

    remote_id: str
    url: str = ""
    text: str = ""
    reply_to: str = ""
    created_at: datetime | None = None
    ours: bool = True


@dataclass(frozen=True)
class Fetched:
    """What one fetch found, and where the next fetch goes on."""

    messages: list[InboundMessage]
    cursor: str


@dataclass(frozen=True)
class Connection:
    """An account as the platform describes it when it is connected (``verify``)."""

    remote_id: str
    name: str
    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Credential:
    """A field the office admin fills in to connect an account without OAuth."""

    name: str
    label: str
    secret: bool = True
    help: str = ""
    required: bool = True


@dataclass(frozen=True)
class OAuth:
    """How a platform's OAuth 2 authorisation-code flow is reached (``connectors.oauth``).
    Where settings name another API address for the platform (tests, proxies), both URLs
    are moved to that host with their paths kept."""

    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    pkce: bool = False
    # How the client authenticates at the token endpoint: HTTP Basic or in the form body.
    client_auth: str = "basic"


class Connector(Channel):
    """One connected account as a channel of its own (``<platform>:<id>``)."""

    platform: ClassVar[str]
    label: ClassVar[str]
    default_limits: ClassVar[Limits] = Limits()
    # The platform's API when the account names none (overridable in settings).
    default_api_base: ClassVar[str] = ""
    # What connecting without OAuth asks for (tokens, app passwords); see ``verify``.
    credentials: ClassVar[tuple[Credential, ...]] = ()
    # Whether the account's server address is asked for (Mastodon instances, Bluesky PDS).
    asks_api_base: ClassVar[bool] = False
    can_fetch: ClassVar[bool] = True
    oauth: ClassVar[OAuth | None] = None
    # Shown on the connect page: where the admin finds the token or what to prepare.
    connect_help: ClassVar[str] = ""
    # Shown on the connect page: an address of this platform's kind of server, and exactly
    # what Rathaus keeps of the account (the office's data-protection officer asks).
    server_example: ClassVar[str] = ""
    stores: ClassVar[str] = ""
    # For platforms with OAuth: the setting naming the installation's app with the platform
    # (``RATHAUS_<NAME>_CLIENT_ID``, and ``_SECRET``), for the page that says it is missing.
    oauth_app_setting: ClassVar[str] = ""
    # Templates get the class itself (connect page); they must not try to call it, and
    # cannot ask it for a protocol: whether it is posted by hand is set for them.
    do_not_call_in_templates: ClassVar[bool] = True
    posted_by_hand: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # All accounts of a platform share one editor variant, named after the platform.
        if "platform" in cls.__dict__:
            cls.variant_key = cls.platform  # type: ignore[assignment]
            cls.variant_label = cls.label  # type: ignore[assignment]
        cls.posted_by_hand = issubclass(cls, PostedByHand)

    def __init__(self, account: ConnectedAccount) -> None:
        self.account = account
        self.key = account.channel_key
        self.name = f"{self.label}: {account.name}"
        self.limits = self.limits_for(account)

    @classmethod
    def limits_for(cls, account: ConnectedAccount) -> Limits:
        """The account's limits: the platform's, unless they differ per server (Mastodon)."""
        return cls.default_limits

    @property
    def api_base(self) -> str:
        configured = settings.CONNECTOR_API_BASES.get(self.platform, "")
        return (self.account.api_base or configured or self.default_api_base).rstrip("/")

    def enabled_for(self, office: Office) -> bool:
        return (
            self.account.office_id == office.pk
            and self.account.status != ConnectedAccount.Status.DISCONNECTED
        )

    # ----- what each platform implements (besides its capabilities' calls) ----------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        """Check credentials the admin entered (``credentials``) and describe the account;
        raise DeliveryError with the platform's words when they don't work."""
        raise NotImplementedError

    @classmethod
    def from_oauth(cls, api_base: str, tokens: dict[str, Any]) -> Connection:
        """The account behind the tokens an OAuth flow returned (the token endpoint's JSON)."""
        raise NotImplementedError

    def recent(self, part: Part, attempt: Attempt) -> list[Seen]:
        """The account's own latest posts, newest first, that could be ``part`` sent by an
        earlier attempt whose answer got lost (check before retry); for an answer, where
        the account's timeline does not show it, the replies under the comment it answers
        (``Answering.thread_of``). ``capabilities`` decides which one is ours; empty where
        the platform cannot show them."""
        return []

    def same_text(self, seen: Seen, part: Part) -> bool:
        """Whether ``seen`` carries ``part``'s text as the platform gives texts back."""
        return " ".join(seen.text.split()) == " ".join(part.text.split())

    def parent_key(self, remote_id: str) -> str:
        """``remote_id`` as a :class:`Seen`'s ``reply_to`` names it (Telegram: the message
        that carries the text)."""
        return remote_id

    def fetch(self, cursor: str) -> Fetched:
        """Replies, comments, mentions and direct messages since ``cursor``."""
        return Fetched([], cursor)

    def refresh(self) -> Connection:
        """New tokens from the refresh token; NeedsReauthorisation when that is impossible."""
        raise NeedsReauthorisation(f"{self.label}: the access token has expired")

    def classify(self, error: Exception) -> DeliveryError | None:
        """The client library's exception as temporary / re-authorise / permanent; None for
        an exception this platform doesn't know (the shared rules then decide)."""
        return None

    # ----- posts and messages in the platform's form ------------------------------------------

    def sendable(self, *, title: str, text: str, link: str, is_variant: bool) -> str:
        return rendering.compose(title=title, text=text, link=link, is_variant=is_variant)

    def render(self, post: Post) -> list[Part]:
        return rendering.parts(post, self.text_for(post), self.limits, images=_images(post))

    def inbound(self, **fields: Any) -> InboundMessage:
        """An InboundMessage of this account, for ``fetch``. A reply to a later part of
        one of our multi-part answers is threaded as a reply to the answer itself: the
        inbox knows an answer by its first part's id."""
        from rathaus.inbox.inbound import InboundMessage

        if fields.get("in_reply_to"):
            fields["in_reply_to"] = self._answer_of(fields["in_reply_to"])
        return InboundMessage(office=self.account.office, channel=self.key, **fields)

    def _answer_of(self, remote_id: str) -> str:
        """The remote id of our answer of which ``remote_id`` is a later part; else
        ``remote_id`` itself."""
        from rathaus.inbox.models import Message

        if Message.objects.filter(
            office_id=self.account.office_id, channel=self.key, remote_id=remote_id
        ).exists():
            return remote_id
        answers = (
            Delivery.objects.filter(
                channel=self.key, action=Delivery.Action.REPLY, remote_parts__1__isnull=False
            )
            .order_by("-pk")
            .values_list("remote_parts", "message__remote_id")[:RECENT_THREADS]
        )
        for parts, answer in answers:
            if answer and any(part["id"] == remote_id for part in parts[1:]):
                return answer
        return remote_id

    def post_for(self, remote_id: str) -> Post | None:
        """Our post of which ``remote_id`` is a part here, to link a comment to it."""
        published = Delivery.objects.filter(channel=self.key, action=Delivery.Action.PUBLISH)
        first = published.filter(remote_id=remote_id).first()
        if first is not None:
            return first.post
        # A later part of a thread: among the recent posts only, so that fetching stays
        # cheap for an account with years of posts.
        recent = published.exclude(remote_parts=[]).order_by("-pk")
        for delivery in recent[:RECENT_THREADS]:
            if any(done["id"] == remote_id for done in delivery.remote_parts):
                return delivery.post
        return None

    # ----- credentials and errors ---------------------------------------------------------

    @contextmanager
    def calling(self) -> Iterator[None]:
        """Around every platform call: refresh a token about to expire, and turn whatever
        the client library raised into one of the delivery errors."""
        if self.account.status == ConnectedAccount.Status.DISCONNECTED:
            raise PermanentError(f"{self.label}: the account was disconnected")
        if self.account.status == ConnectedAccount.Status.NEEDS_REAUTH:
            raise NeedsReauthorisation(self.account.problem or f"{self.label}: connect again")
        self._refresh_if_due()
        try:
            yield
        except Exception as error:
            self._raise_sorted(error)

    def _raise_sorted(self, error: Exception) -> NoReturn:
        """Raise ``error`` as a delivery error; an account that lost its access stops."""
        found = errors.sort(error, self.classify)
        if isinstance(found, NeedsReauthorisation):
            self._needs_reauth(str(found))
        if found is error:
            raise error
        raise found from error

    def _refresh_if_due(self) -> None:
        expires = self.account.token_expires_at
        if not expires or expires > timezone.now() + REFRESH_AHEAD:
            return
        if not self.account.refresh_token:
            self._needs_reauth(f"{self.label}: the access token expired on {expires:%Y-%m-%d}")
            raise NeedsReauthorisation(self.account.problem)
        try:
            connection = self.refresh()
        except Exception as error:
            self._raise_sorted(error)
        from rathaus.connectors import accounts

        accounts.store_tokens(self.account, connection)

    def _needs_reauth(self, problem: str) -> None:
        from rathaus.connectors import accounts

        accounts.needs_reauthorisation(self.account, problem)


def _images(post: Post) -> tuple[Image, ...]:
    """The post's images as the platforms get them: the newsroom's JPEG rendition, never
    the original upload, whose camera data (GPS position, device, owner) would otherwise
    go to every platform. Platforms that fetch by address (Instagram) get its URL; it is
    made here if this delivery runs before the newsroom's."""
    found = []
    post_images.render_post(post.pk)
    for image in post.images.all():
        rendition = post_images.rendition_path(image)
        if not rendition.exists():  # unreadable: logged when rendering was tried
            raise PermanentError(f"image {image.original_name or image.pk} cannot be read")
        found.append(
            Image(
                data=rendition.read_bytes(),
                mime="image/jpeg",
                alt=image.alt_text,
                name=rendition.name,
                jpeg_url=post.office.public_url(image.public_url()),
            )
        )
    return tuple(found)
