"""The one small interface every channel implements, and the registry of channels.

A channel is a place a post goes to: the office's own newsroom, its ActivityPub accounts,
the newsletter, and every account an office connected on a platform (``rathaus.connectors``).
Fixed channels are registered once with :func:`register`; channels that exist once per
connected account come from a *family* (:func:`register_family`), whose keys look like
``mastodon:12`` so that every account gets a Delivery row and a status of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from rathaus.lib.graphemes import code_points
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
class Limits:
    max_chars: int | None = None
    max_title_chars: int | None = None
    max_images: int | None = None
    alt_text_required: bool = True
    alt_text_max_chars: int | None = 1500
    # A longer text goes out as a thread of posts instead of being refused.
    threads: bool = False
    # Characters a link takes, whatever its length (X counts every URL as 23).
    link_chars: int | None = None
    # Video and albums: posts carry images only so far; media channels (YouTube, Flickr)
    # will say here what they take.
    max_videos: int | None = 0

    def count(self, text: str) -> int:
        """Characters as the channel counts them, always with a counter of
        ``lib.graphemes``: code points unless a platform says otherwise (Mastodon and
        Bluesky count graphemes, Telegram UTF-16 units, X weights emoji and scripts)."""
        return code_points(text)

    def problems(self, *, text: str, title: str, alt_texts: list[str]) -> list[str]:
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        found = []
        if self.max_chars is not None and not self.threads and self.count(text) > self.max_chars:
            found.append(
                _("Text has %(n)d characters, at most %(max)d are allowed.")
                % {"n": self.count(text), "max": self.max_chars}
            )
        if self.max_title_chars is not None and len(title) > self.max_title_chars:
            found.append(
                _("Title has %(n)d characters, at most %(max)d are allowed.")
                % {"n": len(title), "max": self.max_title_chars}
            )
        if self.max_images is not None and len(alt_texts) > self.max_images:
            found.append(
                ngettext(
                    "%(n)d image attached, at most %(max)d are allowed.",
                    "%(n)d images attached, at most %(max)d are allowed.",
                    len(alt_texts),
                )
                % {"n": len(alt_texts), "max": self.max_images}
            )
        if self.alt_text_required and any(not alt.strip() for alt in alt_texts):
            found.append(_("Every image needs an alt text."))
        if self.alt_text_max_chars and any(len(a) > self.alt_text_max_chars for a in alt_texts):
            found.append(
                _("An alt text is longer than %(max)d characters.")
                % {"max": self.alt_text_max_chars}
            )
        return found


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


class Channel:
    key: ClassVar[str]
    name: ClassVar[str]
    limits: ClassVar[Limits] = Limits()
    has_variant: ClassVar[bool] = True  # False: the channel always shows the main text
    can_update: ClassVar[bool] = False
    can_withdraw: ClassVar[bool] = False
    publishes_posts: ClassVar[bool] = True  # False: a channel citizens write through only
    can_reply: ClassVar[bool] = False
    # The kinds of answer (PUBLIC, DIRECT) the channel really delivers, as the platform
    # shows them: a channel that cannot send private messages must not claim DIRECT, or a
    # "direct" answer goes out as a public post. Empty where it answers nobody.
    answers: ClassVar[frozenset[str]] = frozenset()
    # True: nobody can post here by machine (Xing); the desk shows a prepared text and a
    # share link, and an editor confirms by hand that it was posted.
    manual: ClassVar[bool] = False

    @property
    def variant_key(self) -> str:
        """Which editor variant this channel sends: all accounts of one platform share one."""
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
        if self.has_variant:
            variant = post.variant_text(self.variant_key)
            if variant:
                return variant
        return post.body

    def sendable(self, *, title: str, text: str, link: str, is_variant: bool) -> str:
        """The text as it will go out, for the editor's counters and preview (platforms
        add the title and the link to the original)."""
        return text

    def progress(self, delivery: Delivery) -> str:
        """A line for the desk about what happened after sending, e.g. how many servers
        received the post and how people reacted; empty when there is nothing to say."""
        return ""

    def publish(self, delivery: Delivery) -> Sent:
        raise NotImplementedError

    def prepared(self, delivery: Delivery) -> Prepared | None:
        """What an editor posts by hand on a ``manual`` channel."""
        return None

    def update(self, delivery: Delivery) -> Sent:
        raise PermanentError(f"{self.name} cannot change a published post")

    def withdraw(self, delivery: Delivery) -> None:
        raise PermanentError(f"{self.name} cannot remove a published post")

    def answer_kinds(self, conversation: Conversation) -> frozenset[str]:
        """The kinds of answer on offer in ``conversation``: what the channel delivers, and
        a public one only where the citizen wrote in public."""
        kinds = self.answers if self.can_reply else frozenset()
        return kinds if conversation.is_public else kinds - {PUBLIC}

    def refuse_undeliverable(self, message: Message) -> None:
        """PermanentError unless the answer ``message`` goes out as the agent chose: every
        ``reply`` calls this before anything is sent, so that an answer fails rather than
        go out more publicly than chosen."""
        kind = PUBLIC if message.is_public else DIRECT
        if kind not in self.answer_kinds(message.conversation):
            raise PermanentError(refusal(str(self.name), kind))

    def reply(self, delivery: Delivery) -> Sent:
        """Send ``delivery.message``, our answer in a conversation that came through here;
        call ``refuse_undeliverable`` first."""
        raise PermanentError(f"{self.name} cannot answer citizens")

    def moderate(self, message: Message, action: str) -> None:
        """Hide, show again or delete a public comment where the platform allows it; the
        inbox records the decision either way."""
        return None


class Family(Protocol):
    """Channels that exist once per row of some table, e.g. connected platform accounts."""

    def get(self, key: str) -> Channel:
        """The channel for ``key`` (``prefix:rest``); KeyError when there is none."""

    def for_office(self, office: Office) -> list[Channel]: ...

    def answering(self, office: Office) -> list[Channel]:
        """The office's channels of this family that can answer citizens."""


_registry: dict[str, Channel] = {}
_families: dict[str, Family] = {}


def register(channel: Channel) -> Channel:
    _registry[channel.key] = channel
    return channel


def unregister(key: str) -> None:
    _registry.pop(key, None)


def register_family(prefix: str, family: Family) -> None:
    _families[prefix] = family


def get(key: str) -> Channel:
    if key in _registry:
        return _registry[key]
    prefix, _sep, _rest = key.partition(":")
    if prefix in _families:
        return _families[prefix].get(key)
    raise KeyError(key)


def _distinct_families() -> list[Family]:
    # One family may serve several prefixes (one per platform).
    return list({id(f): f for f in _families.values()}.values())


def is_variant_key(key: str) -> bool:
    """Whether editors can write a variant for ``key``: a fixed channel or a platform."""
    return key in _registry or key in _families


def answering(office: Office | None = None) -> list[Channel]:
    """The channels citizens can be answered through, e.g. for the inbox's channel filter;
    with ``office``, also that office's connected accounts."""
    found = [c for c in _registry.values() if c.can_reply]
    for family in _distinct_families() if office is not None else []:
        found.extend(family.answering(office))
    return sorted(found, key=lambda c: c.key)


def for_office(office: Office) -> list[Channel]:
    """The channels a post of this office goes to, the newsroom first."""
    found = [c for c in _registry.values() if c.publishes_posts and c.enabled_for(office)]
    for family in _distinct_families():
        found.extend(c for c in family.for_office(office) if c.publishes_posts)
    return sorted(found, key=lambda c: (c.key != "newsroom", c.key))
