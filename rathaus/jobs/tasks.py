"""Huey's part in background work: the doorbell that runs a kind (``run_kind``) and the
clock (``tick``). Neither holds state: a lost task costs a minute, never work."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_kind(name: str, ids: list[int] | None = None) -> int:
    """Run one kind until nothing is due (or its budget is used); returns the rows taken."""
    from rathaus.jobs import registry, runner

    try:
        kind = registry.get(name)
    except KeyError:  # a kind removed since the task was queued
        return 0
    outcomes = runner.run(kind, ids=ids)
    return outcomes if isinstance(outcomes, int) else len(outcomes)


@db_periodic_task(crontab(minute="*"))
def tick() -> list[str]:
    from rathaus.jobs import clock, runner

    # Each worker host's clock ticks; one sweep a minute is enough (jobs.clock).
    if not clock.turn("jobs.tick", 60):
        return []
    return runner.tick()
