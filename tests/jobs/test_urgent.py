"""Urgent kinds (``Policy.urgent``): a run of other work does what they have due between two
of its batches, so a reader's page never waits for a free worker behind a backlog."""

from __future__ import annotations

import time

from rathaus.jobs import engine, registry, runner
from rathaus.jobs.models import Job


def test_urgent_work_is_done_between_two_batches_of_other_work(make_kind):
    backlog, slow = make_kind("test.backlog", batch=2, helpers=False)
    urgent, quick = make_kind("test.urgent", urgent=True)
    order: list[str] = []
    answer = slow.answer

    def handle_backlog(row):
        if row.payload["n"] == 0:  # while the first batch is under way, urgent work comes
            engine.enqueue(urgent, payload={"n": 99})
        order.append(f"backlog {row.payload['n']}")
        return answer(row)

    slow.answer = handle_backlog
    quick.answer = lambda row: order.append("urgent") or engine.done(row)
    for n in range(4):
        engine.enqueue(backlog, payload={"n": n})

    runner.run(backlog)

    assert order == ["backlog 0", "backlog 1", "urgent", "backlog 2", "backlog 3"]
    assert not Job.objects.filter(kind__in=[backlog.name, urgent.name]).exclude(status="done")


def test_a_run_for_given_rows_also_does_urgent_work_after_them(make_kind):
    backlog, _slow = make_kind("test.backlog")
    urgent, quick = make_kind("test.urgent", urgent=True)
    mine = engine.enqueue(backlog, payload={"n": 1})
    engine.enqueue(urgent, payload={"n": 2})

    runner.run(backlog, ids=[mine.pk])  # a wake-up for these rows (a post's deliveries)

    assert len(quick.calls) == 1


def test_work_on_time_itself_does_urgent_work_only_after_its_own_for_a_while(make_kind):
    steady, script = make_kind("test.steady", batch=1, urgent_after=3600.0)
    urgent, quick = make_kind("test.urgent", urgent=True)
    engine.enqueue(urgent, payload={"n": 0})
    engine.enqueue(steady, payload={"n": 1})
    engine.enqueue(steady, payload={"n": 2})

    runner.run(steady)

    assert len(script.calls) == 2
    assert quick.calls == []


def test_once_its_while_is_over_it_does_urgent_work_before_its_next_batch(make_kind):
    steady, script = make_kind("test.steady", batch=1, urgent_after=0.05)
    urgent, quick = make_kind("test.urgent", urgent=True)
    order: list[str] = []
    answer = script.answer

    def slow(row):
        time.sleep(0.06)  # the first batch outlasts the while
        order.append(f"steady {row.payload['n']}")
        return answer(row)

    script.answer = slow
    quick.answer = lambda row: order.append("urgent") or engine.done(row)
    engine.enqueue(urgent, payload={"n": 0})
    engine.enqueue(steady, payload={"n": 1})
    engine.enqueue(steady, payload={"n": 2})

    runner.run(steady)

    assert order == ["steady 1", "urgent", "steady 2"]


def test_an_urgent_run_does_not_stop_for_other_urgent_work(make_kind):
    urgent, script = make_kind("test.urgent", urgent=True, batch=1)
    other, other_script = make_kind("test.other-urgent", urgent=True)
    engine.enqueue(urgent, payload={"n": 1})
    engine.enqueue(urgent, payload={"n": 2})
    engine.enqueue(other, payload={"n": 3})

    runner.run(urgent)

    assert len(script.calls) == 2
    assert other_script.calls == []  # its own run (woken for it) does it


def test_with_nothing_urgent_due_a_batch_costs_one_read_per_urgent_kind(
    make_kind, django_assert_num_queries
):
    make_kind("test.urgent", urgent=True)
    make_kind("test.patient")
    urgent = registry.urgent()
    assert "test.urgent" in [kind.name for kind in urgent]
    assert "test.patient" not in [kind.name for kind in urgent]
    with django_assert_num_queries(len(urgent)):
        assert runner.run_urgent() == 0
