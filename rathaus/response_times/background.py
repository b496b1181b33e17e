"""Response times' background work on the job engine: every five minutes, tell people
about conversations past their target (``overdue``). Recurring: one job, which the engine's
tick makes; its lease keeps a second worker from notifying the same due time. And once
per change of an office's targets, closure days or opening hours: recount its open
conversations' due times (``recounting``, one job per office)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from rathaus.jobs import engine
from rathaus.response_times import overdue, targets


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


def recount(jobs: list) -> Iterator[engine.Outcome]:
    for job in jobs:
        try:
            changed = targets.recount_open(job.payload["office"])
        except ValueError as error:  # working hours that cannot be counted in
            yield engine.fail(job, str(error))
        else:
            yield engine.done(job, result={"changed": changed})


RECOUNT = engine.register(
    engine.Kind(
        "response_times.recount",
        policy=engine.Policy(
            max_attempts=3,
            backoff=engine.doubling(60),
            lease=timedelta(minutes=10),
            batch=1,
            delete_done=True,
        ),
        handle=recount,
    )
)
