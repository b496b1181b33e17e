"""Creating deliveries when a post leaves the house, and waking the worker for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from rathaus.delivery import channels
from rathaus.delivery.models import Delivery

if TYPE_CHECKING:
    from rathaus.posts.models import Post

Action = Delivery.Action


def _wanted(channel: channels.Channel, post: Post, action: str) -> bool:
    if action == Action.PUBLISH:
        return True
    if action == Action.UPDATE and not channel.can_update:
        return False
    if action == Action.WITHDRAW and not channel.can_withdraw:
        return False
    # Only channels that received the post can change or remove it.
    return post.deliveries.filter(channel=channel.key, action=Action.PUBLISH).exists()


def enqueue(post: Post, action: str) -> list[Delivery]:
    """One Delivery per channel for this version of the post; calling it again for the
    same version creates nothing new (the idempotency key is unique)."""
    created = []
    for channel in channels.for_office(post.office):
        if not _wanted(channel, post, action):
            continue
        delivery, new = Delivery.objects.get_or_create(
            idempotency_key=f"{post.pk}:{channel.key}:{action}:{post.approved_hash}",
            defaults={
                "post": post,
                "channel": channel.key,
                "action": action,
                "content_hash": post.approved_hash,
            },
        )
        if new:
            created.append(delivery)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: _wake(ids))
    return created


def _wake(ids: list[int]) -> None:
    from rathaus.delivery import tasks

    for pk in ids:
        tasks.send_delivery(pk)


def wake_at(when: datetime) -> None:
    """Ask the worker to look for due posts at ``when``; the minutely job is the safety net."""
    from rathaus.delivery import tasks

    transaction.on_commit(lambda: tasks.publish_due_posts.schedule(eta=when))
