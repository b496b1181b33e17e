"""What the clock does: publish scheduled posts whose time has come.

Kept apart from the lifecycle verbs because it works on many posts at once: a thousand
posts scheduled for the same minute must all be out within seconds. Each scheduled post is
a job of the engine (kind ``posts.publish``, keyed by the post, due at its time; declared
in ``background``): the engine hands due ones out in batches, each to one worker.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import entry, record_many
from rathaus.delivery import outbox
from rathaus.jobs import engine, runner
from rathaus.posts import notices
from rathaus.posts.models import Post

log = logging.getLogger(__name__)
KIND = "posts.publish"
DUE_BATCH = 100


def plan(post: Post) -> None:
    """Publish ``post`` at its ``publish_at`` (again, if it moved); the lifecycle's steps call
    this in their transaction. Unscheduled or changed meanwhile, it is simply not published."""
    at = post.publish_at
    engine.enqueue(KIND, str(post.pk), at=at)
    # The doorbell for that second; if it is lost, the engine's tick comes within a minute.
    transaction.on_commit(lambda: runner.wake(KIND, at=at))


def unplan(post: Post) -> None:
    """Forget the post's publication job: it left the schedule (unscheduled, sent back,
    published by hand, or changed and back in review)."""
    engine.cancel(KIND, str(post.pk))


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled post whose time has come; returns how many went out."""
    return sum(1 for outcome in runner.run(KIND, now=now) if outcome.result)


@transaction.atomic
def publish(post_ids: list[int]) -> set[int]:
    """Publish those of ``post_ids`` that are scheduled and due, in one transaction; returns
    the ids published. Posts moved to a later time are planned again.

    The batch is read with its tags, variants and images in four queries (locked, so that a
    step on one of them waits) and written back with one update, one audit insert and one
    delivery insert.
    """
    now = timezone.now()
    scheduled = Post.objects.select_for_update(of=("self",)).filter(
        pk__in=post_ids, status=Post.Status.SCHEDULED
    )
    for post in scheduled.filter(publish_at__gt=now).only("pk", "publish_at"):
        plan(post)
    posts = list(
        scheduled.filter(publish_at__lte=now)
        .select_related("office", "created_by", "last_editor")
        .prefetch_related("tags", "variants", "images")
        .order_by("publish_at", "pk")
    )
    if not posts:
        return set()
    ready = [post for post in posts if post.content_hash() == post.approved_hash]
    # Changed behind the verbs' back (they would have sent it to review): never publish.
    changed = [post for post in posts if post not in ready]
    moment = timezone.now()
    Post.objects.filter(pk__in=[p.pk for p in ready]).update(
        status=Post.Status.PUBLISHED, published_at=moment, updated_at=moment
    )
    Post.objects.filter(pk__in=[p.pk for p in changed]).update(
        status=Post.Status.IN_REVIEW,
        approved_by=None,
        approved_at=None,
        approved_hash="",
        updated_at=moment,
    )
    for post in ready:
        post.status, post.published_at = Post.Status.PUBLISHED, moment
    record_many(
        [
            entry(
                p,
                "published",
                by=None,
                office=p.office,
                before={"status": Post.Status.SCHEDULED},
                after={"status": Post.Status.PUBLISHED},
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
    # Only once the batch is out for good: a rolled-back batch told nobody anything.
    transaction.on_commit(lambda: tell_published(ready))
    return {post.pk for post in ready}


def tell_published(posts: list[Post]) -> None:
    """Author and last editor of each post hear that it went out (one ``notify`` each: it
    stores the notifications and queues their mails as jobs, so this sends nothing)."""
    for post in posts:
        try:
            notices.published(post, by=None)
        except Exception:  # published is published: a lost notice must not undo or repeat it
            log.exception("could not tell anyone that post %s was published", post.pk)
