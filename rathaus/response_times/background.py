"""Response times' background work on the job engine: every five minutes, tell people
about conversations past their target (``overdue``). Recurring: one job, which the engine's
tick makes; its lease keeps a second worker from notifying the same due time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from rathaus.jobs import engine
from rathaus.response_times import overdue


def handle(jobs: list) -> Iterator[engine.Outcome]:
    for job in jobs:  # the one recurring job
        yield engine.done(job, result=overdue.notify_overdue())


NOTIFY_OVERDUE = engine.register(
    engine.Kind(
        "response_times.overdue",
        policy=engine.Policy(
            every=timedelta(minutes=5),
            max_attempts=3,
            backoff=engine.fixed(60),
            lease=timedelta(minutes=10),
            on_expiry=engine.REQUEUE,
            batch=1,
        ),
        handle=handle,
    )
)
