"""Running kinds of work: ``wake`` rings Huey's bell for a kind, ``run`` claims, calls the
kind's handler and settles until nothing is due, ``tick`` (every minute) sweeps and wakes
every registered kind. Huey holds no state here: the rows do."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from rathaus.jobs import registry
from rathaus.jobs.engine import Outcome, _kind, claim, due, retry, settle, sweep
from rathaus.jobs.models import Job
from rathaus.jobs.registry import Kind

log = logging.getLogger(__name__)

# Wake-ups already scheduled by this process, per kind and second: a thousand posts
# scheduled for the same second share one. Best effort; the tick is the safety net.
_scheduled: set[tuple[str, int]] = set()
_scheduling = threading.Lock()  # Huey's worker threads share the set


def wake(kind: Kind | str, *, ids: Iterable[int] | None = None, at: datetime | None = None) -> None:
    """Ask a worker to run ``kind`` (for ``ids`` only, if given) now, or at ``at``. Call it
    after the commit that made the rows due; in tests (Huey immediate) it runs at once."""
    from rathaus.jobs import tasks

    kind = _kind(kind)
    ids = list(ids) if ids is not None else None
    if at is not None and at > timezone.now():
        entry = (kind.name, int(at.timestamp()))
        with _scheduling:
            if ids is None and entry in _scheduled:
                return
            now = int(time.time())
            _scheduled.difference_update({e for e in _scheduled if e[1] < now})
            _scheduled.add(entry)
        tasks.run_kind.schedule((kind.name, ids), eta=at)
        return
    tasks.run_kind(kind.name, ids)


def ask_for_help(kind: Kind) -> None:
    """One more run of ``kind``, so that an idle worker joins a big backlog; it asks in turn
    if it also finds a full batch, so the chain ends with the backlog. (``run`` asks when its
    first batch is full; a streaming kind asks the same way from its own loop.)"""
    from huey.contrib.djhuey import HUEY

    if not HUEY.immediate:  # immediate mode (tests) would run it here, inside this one
        wake(kind)


def _handle(kind: Kind, rows: list[Any], now: datetime | None) -> list[Outcome]:
    """Call the handler and settle what it says; a row it said nothing about, or did not
    get to because it raised, is retried with the reason."""
    outcomes: list[Outcome] = []
    pending = {row.pk: row for row in rows}
    error = "the handler returned no outcome"
    try:
        for outcome in kind.handle(rows):
            pending.pop(outcome.row.pk, None)
            outcomes.append(outcome)
            if kind.settle_each:
                settle(kind, [outcome], now=now)
    except Exception as exception:
        log.exception("%s failed on %d rows", kind.name, len(pending))
        error = f"{type(exception).__name__}: {exception}"
    else:
        if pending:
            log.error("%s: no outcome for rows %s", kind.name, sorted(pending))
    rest = [retry(row, error) for row in pending.values()]
    outcomes.extend(rest)
    settle(kind, rest if kind.settle_each else outcomes, now=now)
    return outcomes


def run(
    kind: Kind | str,
    *,
    ids: Iterable[int] | None = None,
    budget: float | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    """Claim, handle, settle, again until nothing is due or ``budget`` seconds have passed
    (``ids`` given: those rows, once). Returns the outcomes; a streaming kind runs its own
    loop and returns what that returns."""
    kind = _kind(kind)
    budget = kind.policy.budget if budget is None else budget
    ids = list(ids) if ids is not None else None
    if kind.stream is not None:
        return kind.stream(ids=ids, budget=budget)
    deadline = time.monotonic() + budget
    outcomes: list[Outcome] = []
    first = True
    urgent_at = time.monotonic() + kind.policy.urgent_after
    while rows := claim(kind, ids=ids, now=now):
        if first and ids is None and kind.policy.helpers and len(rows) == kind.policy.batch:
            ask_for_help(kind)
        first = False
        outcomes.extend(_handle(kind, rows, now))
        if not kind.policy.urgent and time.monotonic() >= urgent_at:
            run_urgent(now=now)
            urgent_at = time.monotonic() + kind.policy.urgent_after
        if ids is not None or time.monotonic() > deadline:
            break
    return outcomes


def run_urgent(*, now: datetime | None = None) -> int:
    """Do what urgent kinds have due (``Policy.urgent``), between two batches of other work:
    one indexed read when there is none. Returns the rows taken. (Not from a streaming
    kind's loop: the fan-out's requests in flight would wait for it.)"""
    taken = 0
    for kind in registry.urgent():
        if due(kind, now=now):
            taken += len(run(kind, now=now))
    return taken


def _ensure_recurring(kind: Kind) -> None:
    if not kind.rows().exists():
        Job.objects.bulk_create([Job(kind=kind.name, key="")], ignore_conflicts=True)


def tick(*, now: datetime | None = None) -> list[str]:
    """Every minute: sweep every kind, make sure recurring jobs exist, and wake each kind
    that has due rows. Returns the names of the kinds woken."""
    woken = []
    for kind in registry.kinds():
        try:
            sweep(kind, now=now)
            if kind.policy.every and kind.on_jobs:
                _ensure_recurring(kind)
            if due(kind, now=now):
                woken.append(kind.name)
                wake(kind)
        except Exception:  # one broken kind must not stop the others
            log.exception("tick: %s failed", kind.name)
    return woken
