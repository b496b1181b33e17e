"""The interface every platform connector implements, and what they all share.

A platform module (``rathaus/connectors/platforms/<name>.py``) subclasses :class:`Connector`
and names it ``CONNECTOR``; that is all it takes to add a platform. It implements the small
set of platform calls (``post``, ``edit``, ``delete``, ``find``, ``fetch``, ``answer``,
``refresh``, ``classify`` and, to connect an account, ``verify``). This class turns them
into a delivery channel: it renders posts into parts (a thread where the text is too long),
goes on where a failed attempt stopped, looks before it posts again after an unclear
failure, refreshes tokens and sorts errors into temporary / re-authorise / permanent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from django.conf import settings
from django.utils import timezone

from rathaus.connectors import rendering
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import (
    Channel,
    DeliveryError,
    Limits,
    NeedsReauthorisation,
    PermanentError,
    Sent,
    TemporaryError,
)
from rathaus.delivery.models import Delivery
from rathaus.lib.retry_after import parse_retry_after
from rathaus.posts import images as post_images

if TYPE_CHECKING:
    from rathaus.inbox.inbound import InboundMessage
    from rathaus.inbox.models import Message
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post

log = logging.getLogger(__name__)
Status = ConnectedAccount.Status
# A token this close to its expiry is refreshed before the next call.
REFRESH_AHEAD = timedelta(minutes=5)
# How many of an account's latest posts a reply to a thread's later part is looked up in
# (and how many deliveries' posts a check before retry knows to be someone else's).
RECENT_THREADS = 200
# A post made this long before its delivery existed is not ours, whatever the clocks say.
CLOCK_SKEW = timedelta(minutes=10)


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
    """One platform post: a whole post, or one post of a thread."""

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
    to (written as our remote ids are; "" for none), and when it was made, if known."""

    remote_id: str
    url: str = ""
    text: str = ""
    reply_to: str = ""
    created_at: datetime | None = None


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
    # Templates get the class itself (connect page); they must not try to call it.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, account: ConnectedAccount) -> None:
        self.account = account

    # ----- identity -------------------------------------------------------------------

    @property
    def key(self) -> str:  # type: ignore[override]
        return self.account.channel_key

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"{self.label}: {self.account.name}"

    @property
    def variant_key(self) -> str:
        return self.platform

    @property
    def variant_label(self) -> str:
        return str(self.label)

    @property
    def limits(self) -> Limits:  # type: ignore[override]
        """Platforms whose limits differ per account (Mastodon instances) override this."""
        return self.default_limits

    @property
    def api_base(self) -> str:
        configured = settings.CONNECTOR_API_BASES.get(self.platform, "")
        return (self.account.api_base or configured or self.default_api_base).rstrip("/")

    def enabled_for(self, office: Office) -> bool:
        return self.account.office_id == office.pk and self.account.status != Status.DISCONNECTED

    # ----- what each platform implements ------------------------------------------------

    @classmethod
    def verify(cls, api_base: str, values: dict[str, str]) -> Connection:
        """Check credentials the admin entered (``credentials``) and describe the account;
        raise DeliveryError with the platform's words when they don't work."""
        raise NotImplementedError

    @classmethod
    def from_oauth(cls, api_base: str, tokens: dict[str, Any]) -> Connection:
        """The account behind the tokens an OAuth flow returned (the token endpoint's JSON)."""
        raise NotImplementedError

    def post(self, part: Part, *, reply_to: str | None) -> Sent:
        """Post one part, in reply to the thread's previous part if ``reply_to``."""
        raise NotImplementedError

    def edit(self, remote_id: str, part: Part) -> Sent:
        raise PermanentError(f"{self.label} cannot change a published post")

    def delete(self, remote_id: str) -> None:
        raise PermanentError(f"{self.label} cannot remove a published post")

    def recent(self, part: Part) -> list[Seen]:
        """The account's own latest posts, newest first, that could be ``part`` sent by an
        earlier attempt whose answer got lost (check before retry). The base decides which
        one is ours; empty where the platform cannot show them."""
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

    def answer(self, part: Part, *, message: Message, parent: Message, reply_to: str) -> Sent:
        """Send one part of our answer ``message`` to the citizen's ``parent`` message:
        in reply to ``reply_to`` (``parent``'s remote id, or our answer's previous part)."""
        raise PermanentError(f"{self.label} cannot answer citizens")

    def answer_parts(self, message: Message, parent: Message) -> list[Part]:
        """Our answer as the parts it goes out in: numbered replies, each answering the
        one before, where the platform's limit is shorter (Bluesky, Telegram)."""
        from rathaus.inbox.inbound import plain_text

        pieces = rendering.split(plain_text(message.text_html), self.limits)
        return [Part(text=p, index=i, total=len(pieces)) for i, p in enumerate(pieces)]

    def refresh(self) -> Connection:
        """New tokens from the refresh token; NeedsReauthorisation when that is impossible."""
        raise NeedsReauthorisation(f"{self.label}: the access token has expired")

    def classify(self, error: Exception) -> DeliveryError | None:
        """The client library's exception as temporary / re-authorise / permanent; None for
        an exception this platform doesn't know (the shared rules then decide)."""
        return None

    # ----- the channel, built on the calls above --------------------------------------

    def sendable(self, *, title: str, text: str, link: str, is_variant: bool) -> str:
        return rendering.compose(title=title, text=text, link=link, is_variant=is_variant)

    def render(self, post: Post) -> list[Part]:
        return rendering.parts(post, self.text_for(post), self.limits, images=_images(post))

    def _sendable_parts(self, post: Post) -> list[Part]:
        """The parts to send; refused for an office without a public base URL, whose posts
        would link to no address of its own (and Instagram could fetch no image)."""
        if not post.office.public_base_url:
            raise PermanentError(
                f"{self.label}: the office has no public address for its newsroom (its "
                "public base URL): posts here link to it, so nothing was sent"
            )
        return self.render(post)

    def publish(self, delivery: Delivery) -> Sent:
        parts = self._sendable_parts(delivery.post)
        return self._send_parts(delivery, parts, None, self.post)

    def _send_parts(
        self,
        delivery: Delivery,
        parts: list[Part],
        first_reply_to: str | None,
        send: Callable[..., Sent],
    ) -> Sent:
        """Send ``parts`` in order, each in reply to the one before (the first to
        ``first_reply_to``), recording every part's remote id on the delivery as it goes:
        a retry goes on where the last attempt stopped, a withdrawal deletes them all, and
        a reply to any of them finds our post or answer."""
        done = list(delivery.remote_parts)
        with self.calling():
            for number, part in enumerate(parts[len(done) :]):
                reply_to = done[-1]["id"] if done else first_reply_to
                # Only the first part not recorded can have been sent by the last attempt.
                sent = self._sent_before(delivery, part, reply_to) if number == 0 else None
                if sent is None:
                    sent = send(part, reply_to=reply_to)
                done.append({"id": sent.remote_id, "url": sent.url})
                # Saved after each part: a retry goes on with the next one.
                Delivery.objects.filter(pk=delivery.pk).update(remote_parts=done)
        return Sent(remote_id=done[0]["id"], url=done[0]["url"])

    def _sent_before(self, delivery: Delivery, part: Part, reply_to: str | None) -> Sent | None:
        """Check before retry: ``part`` as an earlier attempt of ``delivery`` may have sent
        it, found among the account's recent posts only by what nobody else's post can
        have — never by its text alone, which another post of the same text shares (the
        middle parts of two threads of one text are the same). Ours answers exactly our
        previous part (or nothing, for a first part), is recorded by no other delivery, and
        was not made before this delivery existed."""
        # Only a retry can find its own post: the first attempt has never sent anything.
        # A retry a person asked for starts counting again, but keeps the last error.
        if delivery.attempts <= 1 and not delivery.last_error:
            return None
        parent = self.parent_key(reply_to) if reply_to else ""
        taken = self._recorded_elsewhere(delivery)
        since = delivery.created_at - CLOCK_SKEW
        for seen in self.recent(part):
            if seen.remote_id in taken or seen.reply_to != parent:
                continue
            if seen.created_at is not None and seen.created_at < since:
                continue
            if self.same_text(seen, part):
                return Sent(remote_id=seen.remote_id, url=seen.url)
        return None

    def _recorded_elsewhere(self, delivery: Delivery) -> set[str]:
        """The remote ids the account's other recent deliveries recorded as theirs."""
        others = (
            Delivery.objects.filter(channel=self.key)
            .exclude(pk=delivery.pk)
            .exclude(remote_parts=[])
            .order_by("-pk")
            .values_list("remote_parts", flat=True)[:RECENT_THREADS]
        )
        return {part["id"] for parts in others for part in parts}

    def _published_parts(self, delivery: Delivery) -> list[dict]:
        original = (
            Delivery.objects.filter(
                post_id=delivery.post_id, channel=self.key, action=Delivery.Action.PUBLISH
            )
            .exclude(remote_parts=[])
            .first()
        )
        if original is None:
            raise PermanentError(f"{self.label}: the post was never published here")
        return original.remote_parts

    def update(self, delivery: Delivery) -> Sent:
        published = self._published_parts(delivery)
        parts = self._sendable_parts(delivery.post)
        with self.calling():
            for done, part in zip(published, parts, strict=False):
                self.edit(done["id"], part)
        return Sent(remote_id=published[0]["id"], url=published[0]["url"])

    def withdraw(self, delivery: Delivery) -> None:
        with self.calling():
            for done in reversed(self._published_parts(delivery)):
                self.delete(done["id"])

    def reply(self, delivery: Delivery) -> Sent:
        from rathaus.inbox.models import Message

        message = delivery.message
        self.refuse_undeliverable(message)  # never more public than the agent chose
        parent = Message.objects.filter(
            office=message.office, channel=message.channel, remote_id=message.in_reply_to
        ).first()
        if parent is None:
            raise PermanentError(f"{self.label}: the message to answer is gone")
        parts = self.answer_parts(message, parent)

        def send(part: Part, *, reply_to: str) -> Sent:
            return self.answer(part, message=message, parent=parent, reply_to=reply_to)

        sent = self._send_parts(delivery, parts, parent.remote_id, send)
        # Our answer takes the platform's id (its first part's), so the citizen's reply to
        # it joins this conversation instead of starting a new one; a reply to a later
        # part is threaded to it by ``inbound``.
        Message.objects.filter(pk=message.pk, remote_id__startswith="local:").update(
            remote_id=sent.remote_id, url=sent.url or message.url
        )
        return sent

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
        first = published.filter(remote_id=remote_id).select_related("post").first()
        if first is not None:
            return first.post
        # A later part of a thread: among the recent posts only, so that fetching stays
        # cheap for an account with years of posts.
        recent = published.exclude(remote_parts=[]).select_related("post").order_by("-pk")
        for delivery in recent[:RECENT_THREADS]:
            if any(done["id"] == remote_id for done in delivery.remote_parts):
                return delivery.post
        return None

    # ----- credentials and errors ---------------------------------------------------------

    @contextmanager
    def calling(self) -> Iterator[None]:
        """Around every platform call: refresh a token about to expire, and turn whatever
        the client library raised into one of the delivery errors."""
        if self.account.status == Status.DISCONNECTED:
            raise PermanentError(f"{self.label}: the account was disconnected")
        if self.account.status == Status.NEEDS_REAUTH:
            raise NeedsReauthorisation(self.account.problem or f"{self.label}: connect again")
        self._refresh_if_due()
        try:
            yield
        except Exception as error:
            self._raise_sorted(error)

    def _raise_sorted(self, error: Exception) -> NoReturn:
        """Raise ``error`` as a delivery error; an account that lost its access stops."""
        found = error if isinstance(error, DeliveryError) else None
        found = found or _refused(error) or self.classify(error) or _shared_rules(error)
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


def _refused(error: Exception) -> DeliveryError | None:
    """A connection the SSRF guard refused (lib.netguard), however the library wrapped
    it: permanent, as trying again reaches the same address."""
    from rathaus.lib import netguard

    return PermanentError("not a public address") if netguard.refusal(error) else None


def _shared_rules(error: Exception) -> DeliveryError:
    """What holds on every platform when the library raised something plain."""
    import httpx
    import requests

    if isinstance(error, httpx.HTTPStatusError):
        return status_error(error.response.status_code, error.response.headers, str(error))
    if isinstance(error, httpx.TransportError | requests.ConnectionError | requests.Timeout):
        return TemporaryError(f"network: {error}")
    if isinstance(error, ConnectionError | TimeoutError | OSError):
        return TemporaryError(f"network: {error}")
    return TemporaryError(f"{type(error).__name__}: {error}")


def status_error(status: int, headers: Any, message: str) -> DeliveryError:
    """An HTTP status as a delivery error, honouring Retry-After and rate-limit resets."""
    if status == 429:
        return TemporaryError(message, retry_after=retry_after(headers))
    if status >= 500:
        # Rate-limit resets come with every answer on some platforms; only a 5xx's own
        # Retry-After says how long this failure lasts.
        own = headers and (headers.get("Retry-After") or headers.get("retry-after"))
        seconds = retry_after({"Retry-After": own}) if own else None
        return TemporaryError(message, retry_after=seconds)
    if status == 401:
        return NeedsReauthorisation(message)
    return PermanentError(message)


def retry_after(headers: Any) -> float | None:
    """Seconds to wait, from Retry-After (seconds or a date) or an x-rate-limit-reset /
    ratelimit-reset epoch; None when the server said nothing."""
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            return parse_retry_after(value)  # an HTTP date
    for name in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        reset = headers.get(name) or headers.get(name.title())
        if reset and reset.isdigit():
            now = timezone.now().timestamp()
            # An epoch (X, Bluesky) or seconds from now (Mastodon's is an ISO date).
            return max(0.0, int(reset) - now) if int(reset) > 10**9 else float(reset)
    return None


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
