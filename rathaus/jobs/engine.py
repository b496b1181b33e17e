"""What every kind of background work does with its rows: claim due rows with a lease,
settle outcomes in bulk, sweep leases that ran out, queue work that has no row of its own.
(``runner`` calls a kind's handler with them; Huey only rings its bell.)

Claims are exclusive on both databases: PostgreSQL locks the due rows with SKIP LOCKED, so
parallel workers take different rows without waiting; SQLite (one writer at a time) takes
them with a conditional UPDATE that only the first worker wins. Either way each claim gets a
token, and an outcome is recorded only on rows that still carry that token – a worker that
comes back after its lease ran out and its rows were taken again changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from rathaus.jobs import registry
from rathaus.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from rathaus.jobs.policy import (
    FAIL,
    REQUEUE,
    Policy,
    doubling,
    fixed,
    fourth_power,
    polling,
    steps,
)
from rathaus.jobs.registry import Kind, register

# What a kind's module needs, from one place.
__all__ = ["FAIL", "REQUEUE", "Kind", "Outcome", "Policy", "doubling", "fixed", "fourth_power"]
__all__ += ["cancel", "claim", "done", "enqueue", "fail", "register", "renew", "requeue"]
__all__ += ["polling", "retry", "settle", "steps", "sweep"]

log = logging.getLogger(__name__)
# Rows per UPDATE when settling: a statement per chunk, not one per row.
CHUNK = 100
MAX_ERROR = 2000
# What a claim must load of a kind that names its ``fields``: the attempt count (a retry
# decides by it). Status and lease are known without reading them (the claim wrote them), and
# parsing two timestamps per row the handler never reads cost the fan-out a fifth of its
# database time.
ENGINE_COLUMNS = ("pk", "attempts")


@dataclass
class Outcome:
    """What became of one claimed row. Made with :func:`done`, :func:`retry` or :func:`fail`.

    ``result`` is handed back to whoever ran the kind (a test, ``send(pk)``), not stored.
    After :func:`settle`, ``final`` is the status written, or None when the row was no
    longer this worker's (its lease ran out and it was swept or taken again)."""

    row: Any
    verdict: str
    status: str | None = None
    error: str = ""
    retry_after: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    result: Any = None
    final: str | None = None


def done(row: Any, status: str | None = None, *, result: Any = None, **fields: Any) -> Outcome:
    """Finished: the kind's own success state (default "done"), with ``fields`` written too."""
    return Outcome(row, DONE, status, fields=fields, result=result)


def retry(
    row: Any, error: str, *, retry_after: float | None = None, result: Any = None, **fields: Any
) -> Outcome:
    """Try again after the policy's wait (never before ``retry_after`` seconds); fails with
    ``error`` once the attempts are used up."""
    return Outcome(row, "retry", None, error, retry_after, fields, result)


def fail(
    row: Any, error: str, status: str | None = None, *, result: Any = None, **fields: Any
) -> Outcome:
    """Stopped for good: "failed", or the kind's own state (e.g. "needs_reauth")."""
    return Outcome(row, FAILED, status, error, None, fields, result)


def _kind(kind: Kind | str) -> Kind:
    return registry.get(kind) if isinstance(kind, str) else kind


# --- claim ------------------------------------------------------------------------------------


def claim(
    kind: Kind | str,
    *,
    limit: int | None = None,
    ids: Iterable[int] | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> list[Any]:
    """Take up to ``limit`` due rows (of ``ids`` only, if given) for this worker; returns
    them with their lease (``lease_token``) and the attempt counted. A streaming worker may
    pass one ``token`` for all its claims."""
    kind = _kind(kind)
    now = now or timezone.now()
    token = token or uuid.uuid4().hex
    limit = limit or kind.policy.batch
    due = kind.rows().filter(status=QUEUED, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    due = due.order_by("next_attempt_at", "pk")
    if kind.select_related:
        due = due.select_related(*kind.select_related)
    if kind.fields:
        due = due.only(*ENGINE_COLUMNS, *kind.fields)
    # Read and take in one transaction. PostgreSQL: parallel workers skip each other's
    # locked rows instead of waiting for them. SQLite: a transaction here begins IMMEDIATE
    # (settings), so it holds the write lock from the read on; a second worker claiming at
    # the same moment waits a few milliseconds and gets the next rows. Read outside it, both
    # would read the same rows and the second would get none from the conditional UPDATE:
    # a fan-out helper that gets none stops, and a big fan-out runs on one worker.
    # The rows are read whole, so no second query reads back what the UPDATE took.
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due[:limit])
        taken = _take(kind, [row.pk for row in rows], token, now)
    if taken != len(rows):
        # Another worker took some between our read and our UPDATE (a database that let
        # it): only those carrying our token are ours.
        read = kind.rows().filter(pk__in=[row.pk for row in rows])
        ours = set(read.filter(lease_token=token, status=RUNNING).values_list("pk", flat=True))
        rows = [row for row in rows if row.pk in ours]
    # As the UPDATE wrote them.
    lease_until = now + kind.policy.lease
    for row in rows:
        row.status, row.lease_token, row.lease_until = RUNNING, token, lease_until
        row.attempts += 1
    return rows


def _take(kind: Kind, pks: list[int], token: str, now: datetime) -> int:
    """Lease ``pks`` to ``token`` if they are still queued and due: of two workers that read
    the same rows, only the first changes them (the second's UPDATE finds them running)."""
    if not pks:
        return 0
    return kind.row_model._default_manager.filter(
        pk__in=pks, status=QUEUED, next_attempt_at__lte=now
    ).update(
        status=RUNNING,
        lease_token=token,
        lease_until=now + kind.policy.lease,
        attempts=F("attempts") + 1,
    )


def renew(kind: Kind | str, token: str, *, now: datetime | None = None) -> int:
    """Extend the lease of every row held with ``token`` (work that outlasts one lease)."""
    kind = _kind(kind)
    now = now or timezone.now()
    return (
        kind.rows()
        .filter(lease_token=token, status=RUNNING)
        .update(lease_until=now + kind.policy.lease)
    )


# --- settle -----------------------------------------------------------------------------------


def _columns(kind: Kind, outcome: Outcome, now: datetime) -> dict[str, Any] | None:
    """What to write for ``outcome``; None to delete the row."""
    policy = kind.policy
    row = outcome.row
    columns: dict[str, Any]
    if outcome.verdict == DONE:
        if policy.every:
            columns = {"status": QUEUED, "next_attempt_at": now + policy.every, "attempts": 0}
            columns["last_error"] = ""
        elif policy.delete_done:
            return None
        else:
            columns = {"status": outcome.status or DONE, "last_error": ""}
    elif outcome.verdict == "retry":
        error = outcome.error[:MAX_ERROR]
        if row.attempts < policy.attempts_allowed():
            wait = policy.wait(row.attempts, outcome.retry_after)
            columns = {"status": QUEUED, "next_attempt_at": now + timedelta(seconds=wait)}
        elif policy.every:
            # Recurring work is not given up: the next interval tries again, afresh.
            wait = max(policy.every.total_seconds(), outcome.retry_after or 0)
            columns = {"status": QUEUED, "next_attempt_at": now + timedelta(seconds=wait)}
            columns["attempts"] = 0
        elif policy.delete_failed:
            return None
        else:
            columns = {"status": FAILED}
        columns["last_error"] = error
    else:
        status = outcome.status or FAILED
        if status == FAILED and policy.delete_failed:
            return None
        columns = {"status": status, "last_error": outcome.error[:MAX_ERROR]}
    columns.update(outcome.fields)
    return columns


def _update(model: Any, token: str, items: list[tuple[Outcome, dict[str, Any]]]) -> int:
    """One UPDATE for ``items``: a column all rows get alike is set directly, one that
    differs goes through CASE; only rows still running under ``token`` change."""
    pks = [outcome.row.pk for outcome, _columns in items]
    names = {name for _outcome, columns in items for name in columns}
    values: dict[str, Any] = {"lease_token": "", "lease_until": None}
    for name in names:
        given = [(o.row.pk, columns[name]) for o, columns in items if name in columns]
        first = given[0][1]
        if len(given) == len(items) and all(value == first for _pk, value in given):
            values[name] = first
            continue
        output = model._meta.get_field(name)
        values[name] = Case(
            *(When(pk=pk, then=Value(value, output_field=output)) for pk, value in given),
            default=F(name),
            output_field=output,
        )
    return model._default_manager.filter(pk__in=pks, lease_token=token, status=RUNNING).update(
        **values
    )


def settle(kind: Kind | str, outcomes: Iterable[Outcome], *, now: datetime | None = None) -> int:
    """Record ``outcomes`` (a statement per CHUNK rows), on rows still held by the token
    each was claimed with; returns how many rows were settled."""
    kind = _kind(kind)
    now = now or timezone.now()
    model = kind.row_model
    updates: dict[str, list[tuple[Outcome, dict[str, Any]]]] = defaultdict(list)
    deletes: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        columns = _columns(kind, outcome, now)
        token = outcome.row.lease_token
        if columns is None:
            deletes[token].append(outcome)
        else:
            outcome.final = columns["status"]
            updates[token].append((outcome, columns))
    settled = 0
    with transaction.atomic(savepoint=False):
        for token, items in updates.items():
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                count = _update(model, token, chunk)
                settled += count
                if count != len(chunk):
                    _unknown([outcome for outcome, _columns in chunk])
        for token, gone in deletes.items():
            for start in range(0, len(gone), CHUNK):
                chunk = gone[start : start + CHUNK]
                pks = [outcome.row.pk for outcome in chunk]
                count, _by_model = model._default_manager.filter(
                    pk__in=pks, lease_token=token, status=RUNNING
                ).delete()
                settled += count
                for outcome in chunk:
                    outcome.final = "deleted" if count == len(chunk) else None
    return settled


def _unknown(outcomes: list[Outcome]) -> None:
    # Some rows of the chunk were no longer ours; which ones a bulk UPDATE does not say.
    log.info("%d outcomes not recorded: their lease ran out", len(outcomes))
    for outcome in outcomes:
        outcome.final = None


# --- sweep ------------------------------------------------------------------------------------


def sweep(kind: Kind | str, *, now: datetime | None = None) -> int:
    """Rows whose lease ran out (their worker died or hangs): requeued or failed, by policy.
    The rows failed (or deleted) here go to the kind's ``on_given_up`` once that is
    written: no handler saw their end, so nobody would be told otherwise."""
    kind = _kind(kind)
    policy = kind.policy
    now = now or timezone.now()
    expired = kind.rows().filter(status=RUNNING, lease_until__lt=now)
    message = str(policy.expiry_message)[:MAX_ERROR]
    free = {"lease_token": "", "lease_until": None, "last_error": message}
    swept = 0
    given_up: list[Any] = []
    with transaction.atomic():
        if policy.on_expiry != FAIL:
            again = (
                expired if policy.every else expired.filter(attempts__lt=policy.attempts_allowed())
            )
            swept += again.update(status=QUEUED, next_attempt_at=now, **free)
        if kind.on_given_up is not None:
            # Read the rows before giving them up, so the hook gets exactly those: locked
            # on PostgreSQL (a row a late worker is settling right now waits for the next
            # sweep), and on SQLite this transaction holds the write lock already.
            if connection.features.has_select_for_update_skip_locked:
                expired = expired.select_for_update(skip_locked=True, of=("self",))
            given_up = list(expired)
            expired = kind.row_model._default_manager.filter(pk__in=[r.pk for r in given_up])
        if policy.delete_failed:
            swept += expired.delete()[0]
        else:
            swept += expired.update(status=FAILED, **free)
    if given_up:
        for row in given_up:  # as the UPDATE wrote them
            row.status, row.lease_token, row.lease_until, row.last_error = FAILED, "", None, message
        try:
            kind.on_given_up(given_up)
        except Exception:  # the rows are failed already; the next kind is swept all the same
            log.exception("%s: on_given_up failed for %d rows", kind.name, len(given_up))
    return swept


def due(kind: Kind | str, *, now: datetime | None = None) -> bool:
    kind = _kind(kind)
    now = now or timezone.now()
    return kind.rows().filter(status=QUEUED, next_attempt_at__lte=now).exists()


# --- work without a row of its own ------------------------------------------------------------


def enqueue(
    kind: Kind | str, key: str | None = None, payload: dict | None = None, *, at=None
) -> Job:
    """Queue a ``Job`` of ``kind`` for ``at`` (default now). With a ``key``, the work is
    queued once: asking again moves it to ``at`` with the new payload and fresh attempts
    (also when it is running: the running worker's outcome is then not recorded, and the
    job runs again). Call :func:`wake` after the commit."""
    kind = _kind(kind)
    at = at or timezone.now()
    fresh = {
        "payload": payload or {},
        "status": QUEUED,
        "next_attempt_at": at,
        "attempts": 0,
        "lease_token": "",
        "lease_until": None,
        "last_error": "",
    }
    if key is not None:
        jobs = Job.objects.filter(kind=kind.name, key=key)
        if jobs.update(**fresh):
            return jobs.get()
        Job.objects.bulk_create([Job(kind=kind.name, key=key, **fresh)], ignore_conflicts=True)
        return jobs.get()
    return Job.objects.create(kind=kind.name, key=None, **fresh)


def enqueue_many(kind: Kind | str, payloads: Iterable[dict], *, at=None) -> list[Job]:
    """Queue keyless ``Job``s of ``kind``, one per payload, with one insert (a mail per
    notice of a batch). Call :func:`wake` after the commit."""
    kind = _kind(kind)
    at = at or timezone.now()
    rows = [
        Job(kind=kind.name, key=None, payload=payload, status=QUEUED, next_attempt_at=at)
        for payload in payloads
    ]
    return Job.objects.bulk_create(rows)


def cancel(kind: Kind | str, key: str) -> int:
    """Forget queued work of ``kind`` about ``key``."""
    kind = _kind(kind)
    return Job.objects.filter(kind=kind.name, key=key, status=QUEUED).delete()[0]


def requeue(rows: Any, *, at: datetime | None = None) -> int:
    """Put rows (a queryset, already narrowed to those that may go again) back in the queue
    with fresh attempts: a person asked to try a failed delivery again."""
    return rows.update(
        status=QUEUED,
        next_attempt_at=at or timezone.now(),
        attempts=0,
        lease_token="",
        lease_until=None,
    )
