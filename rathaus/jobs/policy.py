"""How the engine treats one kind of work: attempts, waits between them, the lease, what
becomes of a row whose worker died, and for recurring work the interval."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy

from rathaus.lib import backoff

REQUEUE = "requeue"
FAIL = "fail"

Backoff = Callable[[int], float]


def doubling(
    base: float = 30.0, *, factor: float = 2.0, cap: float = 6 * 3600, jitter: float = 0.1
) -> Backoff:
    """30 s, 60 s, 120 s … capped, with jitter (``lib.backoff``): deliveries to platforms."""
    return lambda attempt: backoff.delay(attempt, base=base, factor=factor, cap=cap, jitter=jitter)


def fourth_power(offset: float = 15.0, spread: float = 10.0) -> Backoff:
    """Mastodon's schedule: attempt⁴ + 15 s plus up to 10 s per attempt of jitter (16
    attempts span about 2.8 days)."""
    return lambda attempt: attempt**4 + offset + random.uniform(0, spread * attempt)


def fixed(seconds: float) -> Backoff:
    return lambda attempt: seconds


def steps(*waits: timedelta) -> Backoff:
    """The n-th retry waits ``waits[n-1]`` (the last one again beyond the list)."""
    seconds = [wait.total_seconds() for wait in waits]
    return lambda attempt: seconds[min(attempt, len(seconds)) - 1]


@dataclass(frozen=True)
class Policy:
    # An int, or a callable read at each decision (a setting a test or an operator changes).
    max_attempts: int | Callable[[], int] = 5
    backoff: Backoff = field(default_factory=doubling)
    # A claim holds its rows this long; a worker that takes longer must ``renew``.
    lease: timedelta = timedelta(minutes=10)
    # A row whose lease ran out: back in the queue, or failed (at most once: a newsletter
    # mail may have left). Requeued rows that used up their attempts fail.
    on_expiry: str = REQUEUE
    expiry_message: Any = "the worker stopped before it finished"
    # Recurring work (a mailbox poll): after success the row is due again this much later,
    # and a row that used up its attempts is not given up but tried at the next interval.
    every: timedelta | None = None
    # Rows per claim, and seconds a run keeps claiming before it leaves the rest to the next.
    batch: int = 100
    budget: float = 50.0
    # A run that finds a full first batch asks for one more worker to join it. Off for work
    # that is all database writes: on SQLite a second worker only waits for the write lock.
    helpers: bool = True
    # Work a reader is waiting for (the newsroom's lists after a publication): a run of any
    # other kind does it between two of its batches, so it never waits for a free worker
    # behind a backlog of deliveries. Keep it short: it holds up the run that took it.
    urgent: bool = False
    # Seconds a run of this kind goes on before it does urgent work between two batches (0:
    # after every batch). Work that is on time itself (posts published at their announced
    # time) waits a little longer; on SQLite, where one writer writes at a time, only its own
    # worker can do the urgent work while it runs.
    urgent_after: float = 0.0
    # Rows that need no keeping once done (or failed) are deleted instead.
    delete_done: bool = False
    delete_failed: bool = False

    def __post_init__(self) -> None:
        if self.on_expiry not in (REQUEUE, FAIL):
            raise ValueError(f"on_expiry must be {REQUEUE!r} or {FAIL!r}")

    def attempts_allowed(self) -> int:
        return self.max_attempts() if callable(self.max_attempts) else self.max_attempts

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds before the next attempt; a server's Retry-After is always a floor."""
        return max(self.backoff(max(attempt, 1)), retry_after or 0.0)


def polling(every: timedelta) -> Policy:
    """Fetching from another server at an interval (a mailbox, a platform account). One row
    per claim: each waits on its server while other workers take the rest. A failed fetch
    is recorded and tried at the next interval (or after the server's Retry-After), not
    sooner. The lease outlasts any one fetch; after it, a dead worker's row is fetched
    again, and what it had stored is recognised by its remote id. Runs stop claiming before
    the next tick, which starts fresh ones."""
    return Policy(
        every=every,
        max_attempts=1,
        lease=timedelta(minutes=10),
        on_expiry=REQUEUE,
        expiry_message=gettext_lazy("The worker stopped while fetching."),
        batch=1,
        budget=45.0,
    )
