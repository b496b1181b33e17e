"""A kind's ``on_given_up`` hears of the rows the sweep failed (their worker died on the
last attempt), once each, and never of the rows it put back in the queue; a hook that
raises leaves the rows failed and the other kinds swept."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from rathaus.jobs import engine, registry, runner
from rathaus.jobs.models import Job
from rathaus.jobs.policy import FAIL


class Heard:
    def __init__(self, raises: bool = False) -> None:
        self.calls: list[list[tuple[int, str, str]]] = []
        self.raises = raises

    def __call__(self, rows) -> None:
        self.calls.append([(row.pk, row.status, row.last_error) for row in rows])
        if self.raises:
            raise RuntimeError("the hook broke")


@pytest.fixture
def with_hook(make_kind):
    """A registered test kind whose ``on_given_up`` records what it was given."""

    def make(name: str = "test.hooked", raises: bool = False, **policy):
        plain, _script = make_kind(name, **policy)
        heard = Heard(raises)
        registry.unregister(name)
        kind = registry.register(dataclasses.replace(plain, on_given_up=heard))
        return kind, heard

    return make


def later(kind) -> datetime:
    return timezone.now() + kind.policy.lease + timedelta(seconds=1)


def test_the_hook_gets_the_rows_given_up_once_and_not_the_requeued_ones(with_hook):
    kind, heard = with_hook(max_attempts=2, expiry_message="gone")
    last = [engine.enqueue(kind, payload={"n": n}) for n in range(2)]
    Job.objects.filter(pk__in=[job.pk for job in last]).update(attempts=1)
    fresh = engine.enqueue(kind, payload={"n": 9})
    assert len(engine.claim(kind)) == 3

    assert engine.sweep(kind, now=later(kind)) == 3
    assert heard.calls == [sorted((job.pk, "failed", "gone") for job in last)]
    assert Job.objects.get(pk=fresh.pk).status == "queued"
    assert set(
        Job.objects.filter(pk__in=[j.pk for j in last]).values_list("status", flat=True)
    ) == {"failed"}

    assert engine.sweep(kind, now=later(kind)) == 0
    assert len(heard.calls) == 1  # the failed rows are not given up twice


def test_nothing_given_up_calls_no_hook(with_hook):
    kind, heard = with_hook(max_attempts=3)
    engine.enqueue(kind, payload={})
    engine.claim(kind)
    assert engine.sweep(kind, now=later(kind)) == 1
    assert heard.calls == []


def test_a_policy_that_fails_on_expiry_gives_up_every_expired_row(with_hook):
    kind, heard = with_hook(on_expiry=FAIL, max_attempts=5)
    job = engine.enqueue(kind, payload={})
    engine.claim(kind)
    engine.sweep(kind, now=later(kind))
    assert [[pk for pk, _status, _error in call] for call in heard.calls] == [[job.pk]]


def test_recurring_work_is_never_given_up(with_hook):
    kind, heard = with_hook(every=timedelta(minutes=5), max_attempts=1)
    engine.enqueue(kind, payload={})
    engine.claim(kind)
    engine.sweep(kind, now=later(kind))
    assert heard.calls == []


def test_a_raising_hook_is_logged_and_stops_neither_the_sweep_nor_other_kinds(with_hook, caplog):
    broken, broken_heard = with_hook("test.broken", raises=True, max_attempts=1)
    fine, fine_heard = with_hook("test.fine", max_attempts=1)
    stuck = engine.enqueue(broken, payload={})
    other = engine.enqueue(fine, payload={})
    engine.claim(broken)
    engine.claim(fine)

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False),
        caplog.at_level(logging.ERROR, logger="rathaus.jobs.engine"),
    ):
        runner.tick()
    assert Job.objects.get(pk=stuck.pk).status == "failed"
    assert Job.objects.get(pk=other.pk).status == "failed"
    assert len(broken_heard.calls) == 1 and len(fine_heard.calls) == 1
    assert "test.broken: on_given_up failed" in caplog.text
