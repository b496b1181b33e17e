"""The rendering of public pages on the job engine: per office one job for its lists and
one for its posts' pages (and one for the pages over all offices), queued again by every
change, so changes in quick succession make one rendering. The keys say which job is
which (``office:<id>``, ``posts:<id>``, ``standing:<id>``, ``site``); the lists' jobs are a
kind of their own, urgent."""

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


def _policy(*, urgent: bool) -> engine.Policy:
    return engine.Policy(
        max_attempts=5,
        backoff=engine.doubling(5),
        lease=timedelta(minutes=10),
        on_expiry=engine.REQUEUE,
        # One job per claim: the next one (an office's lists) does not wait for a batch.
        batch=1,
        delete_done=True,
        urgent=urgent,
    )


# The lists after a change: urgent, so that any worker renders them between two batches of
# its own work (refresh's docstring).
LISTS = engine.register(engine.Kind(refresh.LISTS, policy=_policy(urgent=True), handle=handle))
RENDER = engine.register(engine.Kind(refresh.KIND, policy=_policy(urgent=False), handle=handle))
