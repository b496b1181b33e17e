"""The rendering of public pages on the job engine: one job per office (and one for the
pages over all offices), queued again by every change, so changes in quick succession
make one rendering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from rathaus.jobs import engine
from rathaus.rendering import refresh


def handle(jobs: list) -> Iterator[engine.Outcome]:
    for job in jobs:
        if job.key == refresh.SITE:
            written = refresh.render_site()
        else:
            written = refresh.render_office(int(job.key.removeprefix("office:")))
        yield engine.done(job, result=written)


RENDER = engine.register(
    engine.Kind(
        refresh.KIND,
        policy=engine.Policy(
            max_attempts=5,
            backoff=engine.doubling(5),
            lease=timedelta(minutes=10),
            on_expiry=engine.REQUEUE,
            batch=4,
            delete_done=True,
        ),
        handle=handle,
    )
)
