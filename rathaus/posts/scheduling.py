"""What the clock does: publish scheduled posts whose time has come.

Kept apart from the lifecycle verbs because it works on many posts at once: a thousand
posts scheduled for the same minute must all be out within seconds. Each scheduled post is
a job of the engine (kind ``posts.publish``, keyed by the post, due at its time; declared
in ``background``): the engine hands due ones out in batches, each to one worker. A batch
published leaves one job of kind ``posts.tell_published`` for another worker: the notices.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.log import entry, record_many
from rathaus.delivery import outbox
from rathaus.jobs import engine, runner
from rathaus.posts import notices
from rathaus.posts.models import PUBLIC_STATUSES, Post

KIND = "posts.publish"
# Telling authors that their posts went out: one job per published batch (``background``).
TELL_KIND = "posts.tell_published"
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
    # Who hears of it is another worker's business: one job for the batch, committed with
    # it (a rolled-back batch tells nobody anything), rung for once the batch is out. Told
    # from here, a notify per post (a membership query, an insert, mail jobs) held up the
    # next batch.
    engine.enqueue(TELL_KIND, payload={"posts": [post.pk for post in ready]})
    transaction.on_commit(lambda: runner.wake(TELL_KIND))
    return {post.pk for post in ready}


@transaction.atomic
def tell_published(post_ids: list[int]) -> int:
    """Author and last editor of each of ``post_ids`` hear that it went out as scheduled
    (the ``TELL_KIND`` job of a batch); returns how many notifications were made. A post
    withdrawn meanwhile is not announced. All or nothing: a job that fails is tried again
    without telling anyone twice; publication stands either way."""
    posts = (
        Post.objects.filter(pk__in=post_ids, status__in=PUBLIC_STATUSES)
        .select_related("office", "created_by", "last_editor")
        .order_by("publish_at", "pk")
    )
    return len(notices.published_as_scheduled(posts))
