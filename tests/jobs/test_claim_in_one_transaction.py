"""A claim reads its rows and takes them in one transaction, on SQLite too: a second worker
claiming at the same moment then gets the next rows, not the same ones and then none (which
stopped a fan-out helper as soon as it started)."""

from __future__ import annotations

import pytest
from django.db import connection

from rathaus.jobs import engine


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
