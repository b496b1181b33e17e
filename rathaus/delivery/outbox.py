"""Creating deliveries when a post leaves the house, and waking the worker for them."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction

from rathaus.delivery import channels, defaults, tasks
from rathaus.delivery.models import Delivery

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
        return channel.takes(post) and defaults.allows(post.category, channel.key, restricted)
    if action == Action.UPDATE and not channel.can_update:
        return False
    if action == Action.WITHDRAW and not channel.can_withdraw:
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
            post=post,
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
    transaction.on_commit(lambda: _wake(ids))
    return created


def _wake(ids: list[int]) -> None:
    for start in range(0, len(ids), WAKE_CHUNK):
        tasks.send_deliveries(ids[start : start + WAKE_CHUNK])


def wake_at(when: datetime) -> None:
    """Ask the worker to look for due posts at ``when``; the minutely job is the safety net.

    Many approvals for the same second share one wake-up: a publication run takes every
    post that is due, so a second task for that moment would find nothing to do.
    """
    second = int(when.timestamp())
    marker = f"rathaus:wake:{second}"

    def schedule() -> None:
        if cache.add(marker, True, timeout=max(60, second - int(time.time()) + 60)):
            tasks.publish_due_posts.schedule(eta=when)

    transaction.on_commit(schedule)
