"""The one small interface every channel implements, and the registry of channels.

A channel is a place a post goes to: the office's own newsroom (this issue), its ActivityPub
accounts and the platform connectors (later issues). Adding a platform is one module that
subclasses :class:`Channel` and calls :func:`register` in its app's ``ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from rathaus.delivery.models import Delivery
    from rathaus.inbox.models import Message
    from rathaus.offices.models import Office
    from rathaus.posts.models import Post


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

    def count(self, text: str) -> int:
        """Characters as the channel counts them; platforms override (X weights, Bluesky
        counts graphemes)."""
        return len(text)

    def problems(self, *, text: str, title: str, alt_texts: list[str]) -> list[str]:
        from django.utils.translation import gettext as _
        from django.utils.translation import ngettext

        found = []
        if self.max_chars is not None and self.count(text) > self.max_chars:
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
    remote_id: str
    url: str = ""


class Channel:
    key: ClassVar[str]
    name: ClassVar[str]
    limits: ClassVar[Limits] = Limits()
    has_variant: ClassVar[bool] = True  # False: the channel always shows the main text
    can_update: ClassVar[bool] = False
    can_withdraw: ClassVar[bool] = False
    publishes_posts: ClassVar[bool] = True  # False: a channel citizens write through only
    can_reply: ClassVar[bool] = False

    def enabled_for(self, office: Office) -> bool:
        return True

    def takes(self, post: Post) -> bool:
        """Whether this post goes here at all (e.g. only some categories)."""
        return True

    def text_for(self, post: Post) -> str:
        """The text this channel sends: its own variant if the editor wrote one."""
        if self.has_variant:
            variant = post.variant_text(self.key)
            if variant:
                return variant
        return post.body

    def progress(self, delivery: Delivery) -> str:
        """A line for the desk about what happened after sending, e.g. how many servers
        received the post and how people reacted; empty when there is nothing to say."""
        return ""

    def publish(self, delivery: Delivery) -> Sent:
        raise NotImplementedError

    def update(self, delivery: Delivery) -> Sent:
        raise PermanentError(f"{self.name} cannot change a published post")

    def withdraw(self, delivery: Delivery) -> None:
        raise PermanentError(f"{self.name} cannot remove a published post")

    def reply(self, delivery: Delivery) -> Sent:
        """Send ``delivery.message``, our answer in a conversation that came through here."""
        raise PermanentError(f"{self.name} cannot answer citizens")

    def moderate(self, message: Message, action: str) -> None:
        """Hide, show again or delete a public comment where the platform allows it; the
        inbox records the decision either way."""
        return None


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    _registry[channel.key] = channel
    return channel


def unregister(key: str) -> None:
    _registry.pop(key, None)


def get(key: str) -> Channel:
    return _registry[key]


def answering() -> list[Channel]:
    """The channels citizens can be answered through, e.g. for the inbox's channel filter."""
    return sorted((c for c in _registry.values() if c.can_reply), key=lambda c: c.key)


def for_office(office: Office) -> list[Channel]:
    """The channels a post of this office goes to, the newsroom first."""
    return sorted(
        (c for c in _registry.values() if c.publishes_posts and c.enabled_for(office)),
        key=lambda c: (c.key != "newsroom", c.key),
    )
