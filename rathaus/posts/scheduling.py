"""What the clock does: publish scheduled posts whose time has come.

Kept apart from the lifecycle verbs because it works on many posts at once: a thousand
posts scheduled for the same minute must all be out within seconds.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import entry, record_many
from rathaus.delivery import outbox
from rathaus.posts.models import Post, Status

DUE_BATCH = 100


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled post whose time has come; safe to run in parallel."""
    now = now or timezone.now()
    done = 0
    while (published := _publish_batch(now)) is not None:
        done += published
    return done


@transaction.atomic
def _publish_batch(now: datetime) -> int | None:
    """Publish up to DUE_BATCH due posts in one transaction; None when none are left.

    The batch is read with its tags, variants and images in four queries and written back with
    one update, one audit insert and one delivery insert. On PostgreSQL, parallel workers
    skip each other's locked rows; SQLite runs one writer at a time anyway.
    """
    posts = list(
        Post.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Status.SCHEDULED, publish_at__lte=now)
        .select_related("office")
        .prefetch_related("tags", "variants", "images")
        .order_by("publish_at", "pk")[:DUE_BATCH]
    )
    if not posts:
        return None
    ready = [post for post in posts if post.content_hash() == post.approved_hash]
    # Changed behind the verbs' back (they would have sent it to review): never publish.
    changed = [post for post in posts if post not in ready]
    moment = timezone.now()
    Post.objects.filter(pk__in=[p.pk for p in ready]).update(
        status=Status.PUBLISHED, published_at=moment, updated_at=moment
    )
    Post.objects.filter(pk__in=[p.pk for p in changed]).update(
        status=Status.IN_REVIEW,
        approved_by=None,
        approved_at=None,
        approved_hash="",
        updated_at=moment,
    )
    for post in ready:
        post.status, post.published_at = Status.PUBLISHED, moment
    record_many(
        [
            entry(
                p,
                "published",
                by=None,
                office=p.office,
                before={"status": Status.SCHEDULED},
                after={"status": Status.PUBLISHED},
            )
            for p in ready
        ]
        + [
            entry(
                p,
                "returned_to_review",
                by=None,
                office=p.office,
                flagged=True,
                message=_("The content changed after approval; approve it again."),
            )
            for p in changed
        ]
    )
    outbox.enqueue_many(ready, outbox.Action.PUBLISH)
    for office in {post.office_id: post.office for post in ready}.values():
        office.touch()
    return len(ready)
