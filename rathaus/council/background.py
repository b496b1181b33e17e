"""The council's import on the job engine: one recurring job per linked office (key
``office:<id>``), due again ``IMPORT_EVERY`` after each run, whether it succeeded or not
(a server that keeps failing is tried at the next interval, not given up). The engine's
own recurring row of the kind (no key) is the roll call: it queues the job of every
linked office that has none, so a link made anywhere is imported within the hour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import transaction

from rathaus.council.importing import import_council
from rathaus.council.models import CouncilSource
from rathaus.jobs import engine, runner
from rathaus.jobs.models import Job
from rathaus.lib.netguard import Refused
from rathaus.lib.oparl import FetchError

KIND = "council.import"
IMPORT_EVERY = timedelta(hours=1)


def schedule(source: CouncilSource, *, at: datetime | None = None) -> None:
    """Import ``source`` at ``at`` (default: soon, for a new or changed link), and every
    hour from then on. Call it inside the transaction that saves the link."""
    engine.enqueue(KIND, key=f"office:{source.office_id}", at=at)
    transaction.on_commit(lambda: runner.wake(KIND, at=at))


def roll_call() -> int:
    """Queue the job of every linked office that has none; returns how many."""
    keyed = set(Job.objects.filter(kind=KIND).values_list("key", flat=True))
    missing = [
        office_id
        for office_id in CouncilSource.objects.values_list("office_id", flat=True)
        if f"office:{office_id}" not in keyed
    ]
    for office_id in missing:
        engine.enqueue(KIND, key=f"office:{office_id}")
    return len(missing)


def handle(jobs: list) -> Iterator[engine.Outcome]:
    for job in jobs:
        if not job.key:
            yield engine.done(job, result=roll_call())
            continue
        office_id = int(job.key.partition(":")[2])
        source = CouncilSource.objects.filter(office_id=office_id).first()
        if source is None:  # the link was removed: nothing to import any more
            yield engine.fail(job, "the office links to no OParl system")
            continue
        try:
            figures = import_council(source)
        except (FetchError, Refused) as error:  # the System or the Body could not be read
            yield engine.retry(job, str(error))
        else:
            yield engine.done(job, result=figures.read)


IMPORT = engine.register(
    engine.Kind(
        KIND,
        policy=engine.Policy(
            every=IMPORT_EVERY,
            max_attempts=3,
            backoff=engine.doubling(300),
            # A big council's first import takes minutes; a worker that died is assumed
            # only after this, so no import runs twice at once.
            lease=timedelta(hours=2),
            on_expiry=engine.REQUEUE,
            batch=1,
        ),
        handle=handle,
    )
)
