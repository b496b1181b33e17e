"""Creating deliveries when a post leaves the house, and waking the worker for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from rathaus.delivery import channels, defaults
from rathaus.delivery.background import SEND
from rathaus.delivery.models import Delivery
from rathaus.jobs import runner

if TYPE_CHECKING:
    from rathaus.posts.models import Post

Action = Delivery.Action
# Deliveries per background task: few enough to spread over the workers, many enough that
# a thousand scheduled posts do not become a thousand tasks.
WAKE_CHUNK = 25


def _wanted(
    channel: channels.Channel, post: Post, action: str, restricted: dict[str, list[str]]
) -> bool:
    if action == Action.PUBLISH:
        return channel.takes(post) and defaults.reaches(
            post.category, channel.key, restricted, post.channels
        )
    if action == Action.UPDATE and not isinstance(channel, channels.Updates):
        return False
    if action == Action.WITHDRAW and not isinstance(channel, channels.Withdraws):
        return False
    # Only channels that received the post can change or remove it.
    return post.deliveries.filter(channel=channel.key, action=Action.PUBLISH).exists()


def _key(post: Post, channel: channels.Channel, action: str) -> str:
    return f"{post.pk}:{channel.key}:{action}:{post.approved_hash}"


def enqueue(post: Post, action: str) -> list[Delivery]:
    return enqueue_many([post], action)


def enqueue_many(posts: list[Post], action: str) -> list[Delivery]:
    """One Delivery per post and channel for this version of each post. Calling it again
    for the same versions creates nothing new: the idempotency key is unique."""
    offices = {post.office_id: post.office for post in posts}
    # Looked up once per office: connected accounts are rows, not a fixed list.
    available = {pk: channels.for_office(office) for pk, office in offices.items()}
    restricted = {pk: defaults.chosen(pk) for pk in offices}
    wanted = {
        _key(post, channel, action): Delivery(
            subject=post,
            channel=channel.key,
            action=action,
            content_hash=post.approved_hash,
            idempotency_key=_key(post, channel, action),
        )
        for post in posts
        for channel in available[post.office_id]
        if _wanted(channel, post, action, restricted[post.office_id])
    }
    existing = set(
        Delivery.objects.filter(idempotency_key__in=wanted).values_list(
            "idempotency_key", flat=True
        )
    )
    new_keys = [key for key in wanted if key not in existing]
    # ignore_conflicts: a parallel caller may have created the same keys a moment ago.
    Delivery.objects.bulk_create([wanted[key] for key in new_keys], ignore_conflicts=True)
    created = list(Delivery.objects.filter(idempotency_key__in=new_keys).order_by("pk"))
    ids = [delivery.pk for delivery in created]
    transaction.on_commit(lambda: wake(ids))
    return created


def wake(ids: list[int]) -> None:
    """Ask the workers to send these deliveries (call it after the commit that made them);
    the engine's minutely tick sends whatever a lost wake-up leaves."""
    for start in range(0, len(ids), WAKE_CHUNK):
        runner.wake(SEND, ids=ids[start : start + WAKE_CHUNK])
