"""The rendering of public pages on the job engine: per office one job for its lists and
one for its posts' pages (and one for the pages over all offices), queued again by every
change, so changes in quick succession make one rendering. Two kinds of job under one
kind of work: the keys say which (``office:<id>``, ``posts:<id>``, ``standing:<id>``,
``site``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from rathaus.jobs import engine
from rathaus.rendering import refresh


def handle(jobs: list) -> Iterator[engine.Outcome]:
    for job in jobs:
        what, _colon, office_id = job.key.partition(":")
        if what == refresh.SITE:
            written = refresh.render_site()
        elif what == "posts":
            written = refresh.render_posts(int(office_id))
        elif what == "standing":
            written = refresh.render_standing(int(office_id))
        else:
            written = refresh.render_office(int(office_id))
        yield engine.done(job, result=written)


RENDER = engine.register(
    engine.Kind(
        refresh.KIND,
        policy=engine.Policy(
            max_attempts=5,
            backoff=engine.doubling(5),
            lease=timedelta(minutes=10),
            on_expiry=engine.REQUEUE,
            # One at a time per claim: a long rendering of posts must not hold the lists.
            batch=1,
            delete_done=True,
        ),
        handle=handle,
    )
)
