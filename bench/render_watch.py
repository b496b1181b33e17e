"""When did the rendered lists of an office include a post? (bench.publish_latency,
bench.newsroom_storm)

``RenderState.lists_until`` is the start time of the last finished rendering of the
office's lists: every post whose publication committed before it is in the rendered
front page, categories and feeds. A thread reads it, with the wall clock, every ``POLL``
seconds, and with it which posts are visible as published (so committed). A post's lists
count as updated at the first reading whose ``lists_until`` is not before the post was
seen committed: strict (a rendering that started between the commit and the reading that
saw it is not counted, though it had the post) and late by up to one reading.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from bench.sandbox import percentile

POLL = 0.05


class RenderWatch(threading.Thread):
    def __init__(self, office_id: int, *, follow_posts: bool = True) -> None:
        super().__init__(daemon=True)
        self.office_id = office_id
        self.follow_posts = follow_posts
        # (wall clock of the reading, lists_until, posts_until) whenever either changed
        self.readings: list[tuple[float, datetime | None, datetime | None]] = []
        self.committed: dict[int, float] = {}  # post id → wall clock it was first seen
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from rathaus.posts.models import Post
        from rathaus.rendering.models import RenderState

        last = None
        try:
            while not self.stop.is_set():
                now = time.time()
                if self.follow_posts:
                    ids = Post.objects.filter(
                        office_id=self.office_id, status=Post.Status.PUBLISHED
                    ).values_list("pk", flat=True)
                    for pk in ids:
                        self.committed.setdefault(pk, now)
                state = (
                    RenderState.objects.filter(office_id=self.office_id)
                    .values_list("lists_until", "posts_until")
                    .first()
                ) or (None, None)
                if state != last:
                    self.readings.append((now, *state))
                    last = state
                self.stop.wait(max(0.0, POLL - (time.time() - now)))
        finally:
            connection.close()

    def finish(self) -> None:
        self.stop.set()
        if self.ident is not None:  # started
            self.join()

    def lists_after(self, committed: float) -> float | None:
        """Wall clock of the first reading whose lists include what committed by then."""
        found = self.covering(committed)
        return None if found is None else found[0]

    def covering(self, committed: float) -> tuple[float, float] | None:
        """(wall clock of the reading, start of that rendering) of the first rendering of
        the lists that includes what committed by ``committed``."""
        for wall, lists_until, _posts in self.readings:
            if lists_until is not None and lists_until.timestamp() >= committed:
                return wall, lists_until.timestamp()
        return None

    def pages_after(self, committed: float) -> float | None:
        """The same for the posts' own pages (``posts_until``)."""
        for wall, _lists, posts_until in self.readings:
            if posts_until is not None and posts_until.timestamp() >= committed:
                return wall
        return None

    def renderings(self) -> list[float]:
        """Seconds each observed rendering of the lists took (start to first reading)."""
        return [
            wall - lists.timestamp()
            for (wall, lists, _p), (_w, before, _q) in zip(
                self.readings[1:], self.readings, strict=False
            )
            if lists is not None and lists != before
        ]


def lags(watch: RenderWatch, published: dict, when=None) -> tuple[list[float], int]:
    """published: post id → published_at. Seconds from published_at until its lists were
    rendered; and how many never were (within the watch)."""
    when = when or watch.lists_after
    found, missing = [], 0
    for pk, published_at in published.items():
        committed = watch.committed.get(pk, published_at.timestamp())
        done = when(committed)
        if done is None:
            missing += 1
        else:
            found.append(done - published_at.timestamp())
    return found, missing


def waits(watch: RenderWatch, published: dict) -> list[float]:
    """Seconds from published_at until the rendering that included it started: the time
    the job waited (for the rendering under way, for a free worker)."""
    found = []
    for pk, published_at in published.items():
        covering = watch.covering(watch.committed.get(pk, published_at.timestamp()))
        if covering is not None:
            found.append(covering[1] - published_at.timestamp())
    return found


def describe(values: list[float], missing: int = 0) -> str:
    if not values:
        return f"none within the wait ({missing})"
    text = (
        f"n={len(values)} p50 {percentile(values, 50):.2f} s  p99 {percentile(values, 99):.2f} s"
        f"  max {max(values):.2f} s"
    )
    return text + (f"  not within the wait: {missing}" if missing else "")
