"""What a post's channels show: what goes out on each of them (the approval covers every
one), and after a correction, which of them still show the old text because they cannot
change a published post. Texts are made as the editor's counters make them (``sendable``,
then ``rendering.split``), so the approver reads what the editor was shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from rathaus.connectors import rendering
from rathaus.delivery import channels, defaults
from rathaus.delivery.models import Delivery
from rathaus.desk.counters import Counter
from rathaus.desk.deliveries import channel_name
from rathaus.lib import richtext
from rathaus.posts.models import Post


@dataclass(frozen=True)
class Rendering:
    key: str
    name: str
    # The plain-text posts it goes out as (more than one: a thread); empty where the
    # channel sends the text as written, which ``html`` then shows rendered.
    parts: list[str]
    html: str = ""


def renderings(post: Post) -> list[Rendering]:
    """Every channel this post goes to, with its text as it will go out there."""
    prefetch_related_objects([post], "variants")
    restricted = defaults.chosen(post.office_id)
    link = post.office.public_url(post.get_absolute_url())
    found = []
    for channel in channels.for_office(post.office):
        # As the outbox decides: a channel that does not take the post gets nothing.
        if not channel.takes(post) or not defaults.allows(post.category, channel.key, restricted):
            continue
        text = channel.text_for(post)
        sendable = channel.sendable(
            title=post.title, text=text, link=link, is_variant=text != post.body
        )
        name = str(channel.name)
        if sendable == text:
            found.append(Rendering(channel.key, name, [], richtext.render(text)))
        else:
            found.append(Rendering(channel.key, name, rendering.split(sendable, channel.limits)))
    return found


def updates_in_place(key: str) -> bool:
    """Whether a correction changes the post on channel ``key`` (a channel that is gone
    changes nothing)."""
    try:
        return isinstance(channels.get(key), channels.Updates)
    except KeyError:
        return False


@dataclass(frozen=True)
class Unchanged:
    """A channel where the post keeps the text it went out with."""

    key: str
    name: str
    url: str
    # For a channel posted by hand (Xing): the corrected text, to change it there by hand.
    prepared: channels.Prepared | None = None


def _received(post: Post) -> list[Delivery]:
    return list(
        post.deliveries.filter(
            action=Delivery.Action.PUBLISH, status=Delivery.Status.PUBLISHED
        ).order_by("pk")
    )


def still_old(post: Post) -> list[Unchanged]:
    """After a correction: the channels that received the post before it and cannot change
    it, so they still show the old text."""
    if post.status != Post.Status.CORRECTED or post.corrected_at is None:
        return []
    found = []
    for delivery in _received(post):
        if updates_in_place(delivery.channel):
            continue
        if delivery.sent_at is not None and delivery.sent_at >= post.corrected_at:
            continue  # sent after the correction: it carries the corrected text
        delivery.subject = post
        found.append(
            Unchanged(
                delivery.channel,
                channel_name(delivery.channel),
                delivery.remote_url,
                _prepared(delivery),
            )
        )
    return found


def _prepared(delivery: Delivery) -> channels.Prepared | None:
    try:
        channel = channels.get(delivery.channel)
    except KeyError:
        return None
    return channel.prepared(delivery) if isinstance(channel, channels.PostedByHand) else None


@dataclass(frozen=True)
class Refitted:
    """A channel that edits a thread part for part, whose thread there gets longer or
    shorter with the correction."""

    name: str
    published: int  # posts of the thread there
    corrected: int  # posts the corrected text makes


@dataclass(frozen=True)
class CorrectionPreview:
    counters: list[Counter]  # the channels a correction reaches
    unchanged: list[str]  # names of those that keep the old text
    # Channels whose thread there has another length than the corrected text needs: the
    # correction edits the posts there one for one and adds or deletes the difference
    # at the thread's end (``Editing.update``); the editor is told before.
    refitted: list[Refitted]


def for_correction(counters: list[Counter], post: Post) -> CorrectionPreview:
    """The editor's counters split for a correction: a channel that cannot change a
    published post gets no new text (no thread is promised there); the post's channels
    among them are named as keeping the old text."""
    received = {d.channel: d for d in _received(post)}
    updating = {c.key: updates_in_place(c.key) for c in counters}
    refitted = []
    for counter in counters:
        delivery = received.get(counter.key)
        if not updating[counter.key] or delivery is None or not delivery.remote_parts:
            continue
        published, corrected = len(delivery.remote_parts), len(counter.parts) or 1
        if published != corrected:
            refitted.append(Refitted(counter.name, published, corrected))
    return CorrectionPreview(
        [c for c in counters if updating[c.key]],
        [c.name for c in counters if not updating[c.key] and c.key in received],
        refitted,
    )
