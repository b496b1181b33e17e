"""A claim reads its rows and takes them in one transaction, on SQLite too: a second worker
claiming at the same moment then gets the next rows, not the same ones and then none (which
stopped a fan-out helper as soon as it started)."""

from __future__ import annotations

import pytest
from django.db import connection

from rathaus.jobs import engine
from rathaus.jobs.models import Job


@pytest.mark.django_db(transaction=True)  # no test transaction around the claim
def test_a_claim_takes_the_rows_it_read_inside_its_transaction(kind, monkeypatch):
    for n in range(3):
        engine.enqueue(kind, payload={"n": n})
    inside = []
    take = engine._take

    def watched(*args):
        inside.append(connection.in_atomic_block)
        return take(*args)

    monkeypatch.setattr(engine, "_take", watched)
    assert len(engine.claim(kind)) == 3
    assert inside == [True]


def test_claimed_rows_carry_what_the_claim_wrote_without_reading_it_back(kind):
    job = engine.enqueue(kind, payload={"n": 1})
    [row] = engine.claim(kind)
    stored = Job.objects.get(pk=job.pk)
    assert (row.status, row.lease_token, row.lease_until, row.attempts) == (
        stored.status,
        stored.lease_token,
        stored.lease_until,
        stored.attempts,
    )
    assert (stored.status, stored.attempts) == ("running", 1) and stored.lease_token


def test_a_row_another_worker_took_between_read_and_update_is_not_returned(kind, monkeypatch):
    """Only a database that lets two claims interleave (SQLite outside an IMMEDIATE
    transaction): the rows read are checked for the token then."""
    first, second = (engine.enqueue(kind, payload={"n": n}) for n in range(2))
    take = engine._take

    def interleaved(kind_, pks, token, now):
        take(kind_, [second.pk], "other-worker", now)
        return take(kind_, pks, token, now)

    monkeypatch.setattr(engine, "_take", interleaved)
    assert [row.pk for row in engine.claim(kind)] == [first.pk]
    assert Job.objects.get(pk=second.pk).lease_token == "other-worker"
