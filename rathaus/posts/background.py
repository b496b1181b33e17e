"""The posts' background work on the job engine: the clock that publishes scheduled posts
(``scheduling``), one job per post, due at its time; and telling their authors, one job per
published batch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from rathaus.jobs import engine
from rathaus.posts import scheduling


def handle(jobs: list) -> Iterator[engine.Outcome]:
    published = scheduling.publish([int(job.key) for job in jobs])
    for job in jobs:
        yield engine.done(job, result=int(job.key) in published)


PUBLISH = engine.register(
    engine.Kind(
        scheduling.KIND,
        policy=engine.Policy(
            max_attempts=5,
            backoff=engine.doubling(10),
            lease=timedelta(minutes=5),
            # A batch in one transaction: a dead worker published none of it, so again.
            on_expiry=engine.REQUEUE,
            batch=scheduling.DUE_BATCH,
            # Batch after batch by one worker, as fast as the database writes them; the
            # deliveries they make go to the other workers.
            helpers=False,
            # Its batches back to back for a second before the lists they changed are
            # rendered (urgent) between two of them: after every batch, later posts of a
            # burst of a thousand would be seconds late.
            urgent_after=1.0,
            # A published (or unscheduled) post needs no job; the audit log has the rest.
            delete_done=True,
        ),
        handle=handle,
    )
)


def tell(jobs: list) -> Iterator[engine.Outcome]:
    # Each job on its own: one that keeps failing does not hold back the other batches'.
    for job in jobs:
        told = scheduling.tell_published(job.payload.get("posts", []))
        yield engine.done(job, result=told)


TELL = engine.register(
    engine.Kind(
        scheduling.TELL_KIND,
        policy=engine.Policy(
            max_attempts=5,
            backoff=engine.doubling(30),
            # A job is one transaction: a dead worker told nobody, so again.
            on_expiry=engine.REQUEUE,
            batch=10,
            # All database writes, a few per office: a second worker would only wait on
            # SQLite's write lock.
            helpers=False,
            delete_done=True,
        ),
        handle=tell,
        # Recorded as soon as its transaction is in: a worker that dies after it must not
        # leave the job to tell everyone a second time.
        settle_each=True,
    )
)
