"""What ``bench.cluster`` reads back after the run, from the database and the inbox server:
posts, audit entries, activities, deliveries and receipts, and the job engine's clock
played forward for the rows the dead worker held."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta

ACTIVE = ("queued", "running")


def state() -> tuple:
    """A fingerprint of all background work: rows per (table, kind, status)."""
    from django.db.models import Count

    from rathaus.delivery.models import Delivery
    from rathaus.federation.models import Outgoing
    from rathaus.jobs.models import Job

    jobs = Job.objects.values_list("kind", "status").annotate(n=Count("pk"))
    deliveries = Delivery.objects.values_list("status").annotate(n=Count("pk"))
    outgoing = Outgoing.objects.values_list("status").annotate(n=Count("pk"))
    return (
        tuple(sorted(jobs)),
        tuple(sorted(deliveries)),
        tuple(sorted(outgoing)),
        Job.objects.count(),
    )


def wait_quiet(quiet: float, timeout: float) -> float:
    """Until nothing changed among the rows for ``quiet`` seconds; returns the wait."""
    started = time.monotonic()
    last, since = state(), time.monotonic()
    while time.monotonic() - started < timeout:
        time.sleep(0.25)
        now = state()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return time.monotonic() - started


def held() -> Counter:
    """Rows still running per kind: what a dead worker held (once the survivor is idle)."""
    from rathaus.jobs import registry

    return Counter(
        {
            kind.name: n
            for kind in registry.kinds()
            if (n := kind.rows().filter(status="running").count())
        }
    )


def clock(killed_at: datetime) -> int:
    """The minutely tick as it runs once the dead worker's leases have run out: each kind
    swept as of ``killed_at`` + its lease (rows the survivor claimed later keep theirs),
    then every kind with due rows woken. Returns the rows requeued."""
    from django.utils import timezone

    from rathaus.jobs import engine, registry, runner

    requeued = 0
    for kind in registry.kinds():
        later = killed_at + kind.policy.lease + timedelta(seconds=1)
        swept = engine.sweep(kind, now=later)
        if swept:
            # The sweep makes them due at its "now"; the real clock is behind it.
            kind.rows().filter(status="queued", next_attempt_at=later).update(
                next_attempt_at=timezone.now()
            )
        requeued += swept
    runner.tick()
    return requeued


def unfinished(posts: list) -> Counter:
    """Work for these posts not yet at its end: deliveries, fan-out rows, renderings."""
    from django.contrib.contenttypes.models import ContentType

    from rathaus.delivery.models import Delivery
    from rathaus.federation.models import Outgoing
    from rathaus.jobs.models import Job

    ids = [post.pk for post in posts]
    kind = ContentType.objects.get_for_model(type(posts[0]))
    left = Counter()
    left["deliveries"] = Delivery.objects.filter(
        subject_type=kind, subject_id__in=ids, status__in=ACTIVE
    ).count()
    left["fan-out rows"] = Outgoing.objects.filter(
        activity__post__in=ids, status__in=ACTIVE
    ).count()
    left["renderings"] = Job.objects.filter(
        kind__in=("rendering.lists", "rendering.render"), status__in=ACTIVE
    ).count()
    return +left


def wait_finished(posts: list, timeout: float) -> tuple[bool, float, Counter]:
    started = time.monotonic()
    while True:
        left = unfinished(posts)
        if not left or time.monotonic() - started > timeout:
            return not left, time.monotonic() - started, left
        time.sleep(0.2)


def posts_and_audit(posts: list) -> dict:
    """Each post once: its row published, one 'published' audit entry, one Create."""
    from rathaus.audit.models import AuditEntry
    from rathaus.federation.models import Activity
    from rathaus.posts.models import Post

    ids = [post.pk for post in posts]
    titles = Counter(
        Post.objects.filter(office=posts[0].office, title__in=[p.title for p in posts])
        .values_list("title", flat=True)
        .iterator()
    )
    published = Post.objects.filter(pk__in=ids, published_at__isnull=False).count()
    audit = Counter(
        AuditEntry.objects.filter(action="published", subject_id__in=ids).values_list(
            "subject_id", flat=True
        )
    )
    creates = Counter(
        Activity.objects.filter(post__in=ids, kind="Create").values_list("post_id", flat=True)
    )
    return {
        "rows": sum(titles.values()),
        "titles_twice": sum(1 for n in titles.values() if n > 1),
        "published": published,
        "audit_not_once": sum(1 for pk in ids if audit[pk] != 1),
        "creates_not_once": sum(1 for pk in ids if creates[pk] != 1),
    }


def receipts(posts: list, expected: set[str], report: dict) -> dict:
    """Per (post, follower inbox): the Create received exactly once, deduplicated by its
    id. Lost: a pair that never got it; doubled: a pair that got the post as two different
    activities; repeats: the same activity again (at least once delivery; a receiver
    recognises it by its id)."""
    from rathaus.federation.models import Activity

    post_of = dict(
        Activity.objects.filter(post__in=[p.pk for p in posts]).values_list(
            "activity_id", "post_id"
        )
    )
    per_pair: dict[tuple[int, str], set[str]] = {}
    repeats = unexpected = foreign = 0
    for activity_id, inboxes in report["receipts"].items():
        post = post_of.get(activity_id)
        if post is None:
            foreign += sum(inboxes.values())
            continue
        for inbox, count in inboxes.items():
            if inbox not in expected:
                unexpected += count
                continue
            per_pair.setdefault((post, inbox), set()).add(activity_id)
            repeats += count - 1
    pairs = {(post.pk, inbox) for post in posts for inbox in expected}
    return {
        "pairs": len(pairs),
        "lost": len(pairs - set(per_pair)),
        "doubled": sum(1 for ids in per_pair.values() if len(ids) > 1),
        "repeats": repeats,
        "unexpected": unexpected + foreign,
        "rejected": report.get("rejected", {}),
    }
