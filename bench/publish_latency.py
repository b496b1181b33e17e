"""How late do 1,000 posts scheduled for the same instant T go out?

Creates 1,000 approved posts scheduled for T (a few seconds ahead), plans them as
lifecycle.approve/schedule do (``scheduling.plan``: one job per post on the job engine, due at T;
plans for the same second share one wake-up), runs the real Huey consumer (``manage.py run_huey``)
as a subprocess and polls the database until every post and every newsroom delivery is published.
The consumer also renders the office's public pages (RENDER_PAGES is on in the sandbox; they
are rendered once before T, as for any office in use): a thread follows ``RenderState``
(bench.render_watch) to tell when each post's lists were rendered.

    .venv/bin/python -m bench.publish_latency [--posts 1000] [--lead 15] [--consumers 1]

Goals: p99 of (published_at - publish_at) under 5 s; publish → all affected rendered pages
updated (a rendering of the lists started after the post's commit has finished): p99 < 2 s
after published_at.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from datetime import timedelta

from bench import render_watch
from bench.sandbox import ROOT, open_sandbox, percentile, summary

RENDERED_GOAL = 2.0  # seconds from published_at until the lists are rendered


def _people(office):
    from django.contrib.auth import get_user_model

    from rathaus.offices.models import Membership, Role

    users = get_user_model().objects
    editor = users.create_user("bench.editor")
    approver = users.create_user("bench.approver")
    Membership.objects.create(user=editor, office=office, role=Role.EDITOR)
    Membership.objects.create(user=approver, office=office, role=Role.APPROVER)
    return editor, approver


def create_scheduled(count: int, at) -> int:
    """``count`` posts in exactly the state approve() leaves a post with a future time:
    status scheduled, approval bound to the content hash, publish_at = ``at``."""
    from django.db import transaction
    from django.utils import timezone

    from rathaus.offices.models import Office
    from rathaus.posts import scheduling
    from rathaus.posts.models import Post

    office = Office.objects.create(
        name="Bezirksamt Bench", slug="bench", imprint="Bench", privacy_contact="Bench"
    )
    editor, approver = _people(office)
    render_ahead(office.pk)
    now = timezone.now()
    posts = [
        Post(
            office=office,
            title=f"Baustelle Nummer {n}: Sperrung der Hauptstraße",
            body=f"Die Hauptstraße ist wegen Bauarbeiten gesperrt (Abschnitt {n}).",
            category="short_notice",
            created_by=editor,
            last_editor=editor,
            approved_by=approver,
            approved_at=now,
            status=Post.Status.SCHEDULED,
            publish_at=at,
        )
        for n in range(count)
    ]
    for post in posts:
        post.body_html = f"<p>{post.body}</p>"
    Post.objects.bulk_create(posts, batch_size=500)
    _bind_hashes(office)
    with transaction.atomic():
        for post in Post.objects.filter(office=office).only("pk", "publish_at"):
            scheduling.plan(post)  # as approve() does for each post
    return office.pk


def render_ahead(office_id: int) -> None:
    """The office's pages as they stand before T: rendered when the office was set up, long
    before a storm. (An office's first rendering renders all its pages, which no
    publication pays for.)"""
    from rathaus.rendering import refresh

    refresh.render_office(office_id)
    refresh.render_standing(office_id)
    refresh.render_posts(office_id, seconds=math.inf)


def _bind_hashes(office) -> None:
    from rathaus.posts.models import Post

    posts = list(Post.objects.filter(office=office).prefetch_related("tags", "variants", "images"))
    for post in posts:
        post.approved_hash = post.content_hash()
    Post.objects.bulk_update(posts, ["approved_hash"], batch_size=500)


def wait_until_done(count: int, timeout: float) -> tuple[float | None, float | None]:
    """Poll; returns seconds from T until all posts, and all deliveries, were published."""
    from rathaus.delivery.models import Delivery
    from rathaus.posts.models import Post

    posts_done = deliveries_done = None
    start = time.monotonic()
    last_print = 0.0
    while time.monotonic() - start < timeout:
        published = Post.objects.filter(status=Post.Status.PUBLISHED).count()
        sent = Delivery.objects.filter(channel="newsroom", status=Delivery.Status.PUBLISHED).count()
        elapsed = time.monotonic() - start
        if posts_done is None and published >= count:
            posts_done = elapsed
        if sent >= count:
            deliveries_done = elapsed
            break
        if elapsed - last_print >= 2:
            print(f"  t+{elapsed:5.1f}s  posts published {published:5d}  deliveries {sent:5d}")
            last_print = elapsed
        time.sleep(0.1)
    return posts_done, deliveries_done


def report(count: int, posts_done, deliveries_done) -> float:
    from rathaus.posts.models import Post

    rows = Post.objects.filter(status=Post.Status.PUBLISHED).values_list(
        "publish_at", "published_at"
    )
    lags = [(published - due).total_seconds() for due, published in rows]
    print(f"published {len(lags)}/{count} posts")
    if lags:
        print(f"lag published_at - publish_at: {summary(lags, unit='s', scale=1)}")
    print(f"all posts published after:      {_fmt(posts_done)}")
    print(f"all deliveries published after: {_fmt(deliveries_done)}")
    p99 = percentile(lags, 99) if len(lags) == count else float("inf")
    print(f"goal p99 < 5 s: {'met' if p99 < 5 else 'MISSED'} (p99 = {p99:.2f} s)")
    return p99


def wait_until_rendered(watch, count: int, timeout: float) -> None:
    """Until the lists and the posts' pages were rendered after the last post's commit (or
    the timeout)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        last = max(watch.committed.values(), default=None)
        if len(watch.committed) >= count and watch.lists_after(last) and watch.pages_after(last):
            return
        time.sleep(0.2)


def report_rendering(office_id: int, watch) -> float:
    from rathaus.posts.models import Post

    published = dict(
        Post.objects.filter(office_id=office_id, status=Post.Status.PUBLISHED).values_list(
            "pk", "published_at"
        )
    )
    lists, missing = render_watch.lags(watch, published)
    pages, pages_missing = render_watch.lags(watch, published, watch.pages_after)
    print(f"published_at → lists rendered:        {render_watch.describe(lists, missing)}")
    print(f"published_at → post pages rendered:   {render_watch.describe(pages, pages_missing)}")
    waits = render_watch.waits(watch, published)
    print(f"  of which until the rendering started: {render_watch.describe(waits)}")
    print(f"  one rendering of the lists took:      {render_watch.describe(watch.renderings())}")
    p99 = percentile(lists, 99) if lists and not missing else float("inf")
    verdict = "met" if p99 < RENDERED_GOAL else "MISSED"
    print(f"goal rendered p99 < {RENDERED_GOAL:.0f} s: {verdict} (p99 = {p99:.2f} s)")
    return p99


def _fmt(seconds: float | None) -> str:
    return "not within the timeout" if seconds is None else f"{seconds:.2f} s after T"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--lead", type=float, default=15.0, help="seconds from now to T")
    parser.add_argument("--consumers", type=int, default=1, help="run_huey processes")
    parser.add_argument("--workers", type=int, default=2, help="threads per consumer")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()

    box = open_sandbox("publish")
    from django.core.management import call_command
    from django.utils import timezone

    # The rendered pages link the static files by their hashed names (the manifest).
    call_command("collectstatic", "--no-input", verbosity=0)

    print(f"publish_latency: {args.posts} posts, {box.engine}, data dir {box.data_dir}")
    at = (timezone.now() + timedelta(seconds=args.lead)).replace(microsecond=0)
    started = time.monotonic()
    office_id = create_scheduled(args.posts, at)
    print(f"created and enqueued in {time.monotonic() - started:.1f} s; T = {at:%H:%M:%S} UTC")
    command = [sys.executable, "manage.py", "run_huey", "--workers", str(args.workers)]
    # The consumers log a line per task: to a file, not between our numbers.
    log = (box.data_dir / "huey.log").open("w")
    consumers = [
        subprocess.Popen(command, cwd=ROOT, env=box.env(), stdout=log, stderr=log)
        for _ in range(args.consumers)
    ]
    watch = render_watch.RenderWatch(office_id)
    try:
        time.sleep(max(0.0, (at - timezone.now()).total_seconds()))
        watch.start()
        print(f"T reached; {args.consumers} consumer(s) × {args.workers} worker threads")
        posts_done, deliveries_done = wait_until_done(args.posts, args.timeout)
        wait_until_rendered(watch, args.posts, timeout=120)
    finally:
        watch.finish()
        for consumer in consumers:
            consumer.terminate()
        for consumer in consumers:
            consumer.wait(timeout=30)
        log.close()
    report(args.posts, posts_done, deliveries_done)
    report_rendering(office_id, watch)
    box.close()


if __name__ == "__main__":
    main()
