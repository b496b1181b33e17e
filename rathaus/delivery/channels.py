"""What a channel is, what it can do, the context each of its hooks gets, and the registry.

A channel is where a post goes or a citizen is answered: the office's own newsroom, its
ActivityPub accounts, the newsletter, the contact form, mail, and every account an office
connected on a platform (``rathaus.connectors``). What a channel can do is the protocols it
implements — one method each, nothing to declare besides:

- :class:`Publishes` posts (``publish``), and maybe :class:`Updates` and :class:`Withdraws`
  them; a channel nobody can post to by machine is :class:`PostedByHand` (``prepared``);
- :class:`Answers` citizens (``reply``, and the kinds of answer it delivers, ``answers``);
- :class:`Moderates` public comments (``moderate``).

Every hook of a delivery gets one :class:`Attempt`: the delivery, which attempt this is,
whether an earlier one may have gone out, and the office's public addresses. :func:`run`
calls the hook for a delivery's action and records what an answer was sent as, so no
channel writes that itself.

Fixed channels are registered once with :func:`register`; channels that exist once per
connected account come from one *family* (:func:`register_family`), whose keys look like
``mastodon:12`` so that every account gets a Delivery row and a status of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rathaus.delivery.limits import Limits
from rathaus.lib.weburls import web_url

if TYPE_CHECKING:
    from rathaus.delivery.models import Delivery
    from rathaus.inbox.models import Conversation, Message
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post


# Delivery.remote_url and Message.url hold this much; a longer link is dropped, not cut.
URL_CHARS = 500


class DeliveryError(Exception):
    """Base of what a channel raises when sending did not work."""


class TemporaryError(DeliveryError):
    """Try again later (network trouble, 5xx, rate limit)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Will never work as it is (rejected content, 4xx): fail with the channel's message."""


class NeedsReauthorisation(DeliveryError):
    """Credentials expired or revoked: stop and tell the office admin."""


@dataclass(frozen=True)
class Sent:
    """What a platform answered: its id for what we sent, and the link to it there."""

    remote_id: str
    url: str = ""

    def __post_init__(self) -> None:
        # The link comes from the platform's answer and ends up as a link on the desk (the
        # delivery, our answer in the conversation): only http(s), never ``javascript:``.
        # Checked here, where every channel's answer is made, so no channel can forget it.
        kept = web_url(self.url)
        object.__setattr__(self, "url", kept if len(kept) <= URL_CHARS else "")


@dataclass(frozen=True)
class Prepared:
    """For a manual channel: the text to paste, and where to paste it."""

    text: str
    share_url: str


# The kinds of answer to a citizen: a reply everyone on the platform can see, or a
# message only the citizen receives.
PUBLIC = "public"
DIRECT = "direct"


def refusal(channel_name: str, kind: str) -> str:
    """Why ``kind`` of answer cannot go through the channel, for the agent."""
    from django.utils.translation import gettext as _

    if kind == DIRECT:
        return _(
            "%(channel)s can only answer in public; a direct answer to the citizen alone is "
            "not possible there."
        ) % {"channel": channel_name}
    return _("%(channel)s can only answer the citizen directly, not in public.") % {
        "channel": channel_name
    }


@dataclass(frozen=True)
class Attempt:
    """One try at one delivery, as every hook of a channel gets it."""

    delivery: Delivery
    # 1 for the first try; a retry a person asks for counts from 1 again.
    number: int
    # An earlier try may have sent (part of) it before its answer got lost: look on the
    # platform before sending again (check before retry).
    may_have_gone_out: bool
    # What a channel learnt in this attempt and needs again in it (Bluesky: the CID of the
    # part it just posted, for the next part's reply): kept here, not on the channel.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, delivery: Delivery) -> Attempt:
        """The attempt the engine just claimed (its claim counted it). A retry a person
        asked for starts counting again but keeps the last error."""
        return cls(
            delivery=delivery,
            number=max(delivery.attempts, 1),
            may_have_gone_out=delivery.attempts > 1 or bool(delivery.last_error),
        )

    @property
    def post(self) -> Post:
        return self.delivery.post

    @property
    def post_id(self) -> int | None:
        return self.delivery.post_id

    @property
    def message(self) -> Message:
        """Our answer, for a reply."""
        return self.delivery.message

    @property
    def message_id(self) -> int | None:
        return self.delivery.message_id

    @property
    def office(self) -> Office:
        return self.delivery.office

    def public_url(self, path: str = "") -> str:
        """``path`` on the office's public address (``Office.public_url``)."""
        return self.office.public_url(path)


class Channel:
    """Who a channel is and what every channel has; what it can do are the protocols
    below. ``key``, ``name`` and ``limits`` are the class's, or an instance's where a
    family makes one per account."""

    key: str
    name: str
    limits: Limits = Limits()
    # The kinds of answer (PUBLIC, DIRECT) the channel really delivers, as the platform
    # shows them: a channel that cannot send private messages must not claim DIRECT, or a
    # "direct" answer goes out as a public post. Empty where it answers nobody.
    answers: frozenset[str] = frozenset()

    @property
    def variant_key(self) -> str | None:
        """Which editor variant the channel sends (all accounts of a platform share one);
        None where it always sends the main text (the newsroom: the original)."""
        return self.key

    @property
    def variant_label(self) -> str:
        """What the editor's variant field is called after: the channel, or the platform."""
        return str(self.name)

    def enabled_for(self, office: Office) -> bool:
        return True

    def takes(self, post: Post) -> bool:
        """Whether this post goes here at all (e.g. only some categories)."""
        return True

    def text_for(self, post: Post) -> str:
        """The text this channel sends: its own variant if the editor wrote one."""
        variant = post.variant_text(self.variant_key) if self.variant_key else ""
        return variant or post.body

    def sendable(self, *, title: str, text: str, link: str, is_variant: bool) -> str:
        """The text as it will go out, for the editor's counters and preview (platforms
        add the title and the link to the original)."""
        return text

    def progress(self, delivery: Delivery) -> str:
        """A line for the desk about what happened after sending, e.g. how many servers
        received the post and how people reacted; empty when there is nothing to say."""
        return ""

    def answer_kinds(self, conversation: Conversation) -> frozenset[str]:
        """The kinds of answer on offer in ``conversation``: what the channel delivers, and
        a public one only where the citizen wrote in public."""
        kinds = self.answers if isinstance(self, Answers) else frozenset()
        return kinds if conversation.is_public else kinds - {PUBLIC}


# ----- what a channel can do ------------------------------------------------------------------


@runtime_checkable
class Publishes(Protocol):
    """Posts go here: the newsroom, the Fediverse, the newsletter, a platform account."""

    def publish(self, attempt: Attempt) -> Sent: ...


@runtime_checkable
class Updates(Protocol):
    """A correction changes the published post here."""

    def update(self, attempt: Attempt) -> Sent: ...


@runtime_checkable
class Withdraws(Protocol):
    """A withdrawal removes the published post here."""

    def withdraw(self, attempt: Attempt) -> None: ...


@runtime_checkable
class PostedByHand(Protocol):
    """Nobody can post here by machine (Xing): the desk shows a prepared text and a share
    link, and an editor confirms by hand that it was posted."""

    def prepared(self, delivery: Delivery) -> Prepared: ...


@runtime_checkable
class Answers(Protocol):
    """Citizens write through here and are answered the same way (``Channel.answers``:
    the kinds of answer it delivers)."""

    answers: frozenset[str]

    def reply(self, attempt: Attempt) -> Sent: ...


@runtime_checkable
class Moderates(Protocol):
    """Public comments can be hidden, shown again or deleted here (or reported)."""

    def moderate(self, message: Message, action: str) -> None: ...


# ----- running a delivery ---------------------------------------------------------------------


def by_hand(channel: Channel, delivery: Delivery) -> bool:
    """Whether the delivery waits for an editor instead of being sent."""
    return delivery.action == "publish" and isinstance(channel, PostedByHand)


def run(channel: Channel, delivery: Delivery) -> Sent | None:
    """Call ``channel``'s hook for the delivery's action, with the attempt's context.

    An answer is refused before anything is sent unless it goes out exactly as the agent
    chose (never more public), and takes the id the channel sent it as, so that the
    citizen's reply to it joins its conversation: here, for every channel."""
    attempt = Attempt.of(delivery)
    action = delivery.action
    if action == "reply":
        message = attempt.message
        if not isinstance(channel, Answers):
            raise PermanentError(f"{channel.name} cannot answer citizens")
        kind = PUBLIC if message.is_public else DIRECT
        if kind not in channel.answer_kinds(message.conversation):
            raise PermanentError(refusal(str(channel.name), kind))
        sent = channel.reply(attempt)
        _answered(message, sent)
        return sent
    if action == "publish":
        if not attempt.post.is_public:
            raise PermanentError("The post was withdrawn before it was sent.")
        if not isinstance(channel, Publishes):
            raise PermanentError(f"{channel.name} takes no posts")
        return channel.publish(attempt)
    if action == "update":
        if not isinstance(channel, Updates):
            raise PermanentError(f"{channel.name} cannot change a published post")
        return channel.update(attempt)
    if not isinstance(channel, Withdraws):
        raise PermanentError(f"{channel.name} cannot remove a published post")
    channel.withdraw(attempt)
    return None


def _answered(message: Message, sent: Sent) -> None:
    # Only an answer still named by the inbox's own id: mail names its answer before
    # sending (a retry reuses the Message-ID), the Fediverse with the activity it stores.
    # The message's own class: the inbox sits above this layer.
    type(message).objects.filter(pk=message.pk, remote_id__startswith="local:").update(
        remote_id=sent.remote_id, url=sent.url or message.url
    )


def moderate(channel: Channel, message: Message, action: str) -> None:
    """Do on the channel what the inbox decided about a comment, where it can."""
    if isinstance(channel, Moderates):
        channel.moderate(message, action)


# ----- the registry ---------------------------------------------------------------------------


class Family(Protocol):
    """Channels that exist once per row of some table, e.g. connected platform accounts,
    keyed ``<prefix>:<id>``."""

    def prefixes(self) -> Iterable[str]:
        """The key prefixes it serves (one per platform); also the editor's variant keys."""

    def get(self, key: str) -> Channel:
        """The channel for ``key``; KeyError when there is none."""

    def for_office(self, office: Office) -> list[Channel]:
        """The office's channels of this family that are in use."""


_registry: dict[str, Channel] = {}
_families: list[Family] = []


def register(channel: Channel) -> Channel:
    _registry[channel.key] = channel
    return channel


def unregister(key: str) -> None:
    _registry.pop(key, None)


def register_family(family: Family) -> None:
    if family not in _families:
        _families.append(family)


def _family_of(prefix: str) -> Family | None:
    return next((f for f in _families if prefix in f.prefixes()), None)


def get(key: str) -> Channel:
    if key in _registry:
        return _registry[key]
    prefix, _sep, _rest = key.partition(":")
    family = _family_of(prefix)
    if family is None:
        raise KeyError(key)
    return family.get(key)


def is_variant_key(key: str) -> bool:
    """Whether editors can write a variant for ``key``: a fixed channel or a platform."""
    return key in _registry or _family_of(key) is not None


def _all(office: Office | None) -> list[Channel]:
    found = list(_registry.values())
    for family in _families if office is not None else []:
        found.extend(family.for_office(office))
    return found


def answering(office: Office | None = None) -> list[Channel]:
    """The channels citizens can be answered through, e.g. for the inbox's channel filter;
    with ``office``, also that office's connected accounts."""
    return sorted((c for c in _all(office) if isinstance(c, Answers)), key=lambda c: c.key)


def for_office(office: Office) -> list[Channel]:
    """The channels a post of this office goes to, the newsroom first."""
    found = [
        c for c in _all(office) if isinstance(c, Publishes | PostedByHand) and c.enabled_for(office)
    ]
    return sorted(found, key=lambda c: (c.key != "newsroom", c.key))
