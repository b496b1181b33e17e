"""The job engine: claims are exclusive, leases run out, outcomes are settled in bulk and only
by the worker that still holds the row, retries wait by policy, the tick wakes what is due."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from rathaus.jobs import engine, runner
from rathaus.jobs.models import Job
from rathaus.jobs.policy import FAIL, Policy, doubling, fixed, fourth_power, steps


def jobs(kind, count: int, **fields) -> list[Job]:
    return [engine.enqueue(kind, payload={"n": n}, **fields) for n in range(count)]


def status(job: Job) -> str:
    return Job.objects.get(pk=job.pk).status


# --- claim --------------------------------------------------------------------------------------


def test_two_claims_never_take_the_same_row(kind):
    jobs(kind, 10)
    first = engine.claim(kind, limit=6)
    second = engine.claim(kind, limit=6)
    assert len(first) == 6 and len(second) == 4
    assert not {r.pk for r in first} & {r.pk for r in second}
    assert engine.claim(kind) == []
    assert {r.lease_token for r in first} != {r.lease_token for r in second}
    assert all(r.status == "running" and r.attempts == 1 for r in first + second)


def test_of_two_workers_that_read_the_same_rows_only_the_first_takes_them(kind):
    """The SQLite path: both read the due rows before either writes; the conditional UPDATE
    lets only the first change them."""
    pks = [job.pk for job in jobs(kind, 3)]
    now = timezone.now()
    engine._take(kind, pks, "first", now)
    engine._take(kind, pks, "second", now)
    assert set(Job.objects.filter(pk__in=pks).values_list("lease_token", flat=True)) == {"first"}
    assert set(Job.objects.filter(pk__in=pks).values_list("attempts", flat=True)) == {1}


def test_a_claim_takes_only_due_rows_of_its_own_kind_and_ids(make_kind):
    kind, _script = make_kind("test.one")
    other, _ = make_kind("test.other")
    later = engine.enqueue(kind, payload={}, at=timezone.now() + timedelta(minutes=5))
    mine = jobs(kind, 3)
    jobs(other, 2)
    assert [r.pk for r in engine.claim(kind, ids=[mine[1].pk, later.pk])] == [mine[1].pk]
    assert {r.pk for r in engine.claim(kind)} == {mine[0].pk, mine[2].pk}


def _threads_share_the_database() -> bool:
    return not (
        connection.vendor == "sqlite"
        and connection.settings_dict["NAME"].startswith("file:memorydb")
    )


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_claim_every_row_exactly_once(kind):
    import threading

    if not _threads_share_the_database():
        pytest.skip("an in-memory SQLite database is not shared between threads")
    all_pks = {job.pk for job in jobs(kind, 60)}
    taken: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            while rows := engine.claim(kind, limit=7):
                with lock:
                    taken.extend(r.pk for r in rows)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(all_pks)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_claim_skips_rows_another_worker_has_locked(kind):
    """SKIP LOCKED: a second worker takes the next rows instead of waiting for the first."""
    import threading

    from django.db import transaction

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    pks = sorted(job.pk for job in jobs(kind, 5))
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                list(Job.objects.select_for_update().filter(pk__in=pks[:2]))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:  # a wait would fail, not hang the suite
            cursor.execute("SET lock_timeout = '2s'")
        assert [r.pk for r in engine.claim(kind)] == pks[2:]
    finally:
        release.set()
        thread.join()
    assert [r.pk for r in engine.claim(kind)] == pks[:2]


# --- leases -------------------------------------------------------------------------------------


def test_a_row_whose_lease_ran_out_is_requeued(kind):
    [job] = jobs(kind, 1)
    engine.claim(kind)
    assert engine.sweep(kind) == 0
    assert engine.sweep(kind, now=timezone.now() + kind.policy.lease + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.lease_token, job.lease_until) == ("queued", "", None)
    assert job.last_error == "the worker stopped before it finished"
    assert job.attempts == 1


def test_a_row_whose_lease_ran_out_fails_when_the_policy_says_so(make_kind):
    kind, _script = make_kind(on_expiry=FAIL, expiry_message="not sent again")
    [job] = jobs(kind, 1)
    engine.claim(kind)
    engine.sweep(kind, now=timezone.now() + timedelta(hours=1))
    job.refresh_from_db()
    assert (job.status, job.last_error) == ("failed", "not sent again")


def test_a_requeued_row_that_used_up_its_attempts_fails(make_kind):
    kind, _script = make_kind(max_attempts=1)
    [job] = jobs(kind, 1)
    engine.claim(kind)
    engine.sweep(kind, now=timezone.now() + timedelta(hours=1))
    assert status(job) == "failed"


def test_a_renewed_lease_is_not_swept(kind):
    jobs(kind, 1)
    [row] = engine.claim(kind)
    later = timezone.now() + kind.policy.lease - timedelta(seconds=5)
    assert engine.renew(kind, row.lease_token, now=later) == 1
    assert engine.sweep(kind, now=later + timedelta(seconds=10)) == 0


# --- settle -------------------------------------------------------------------------------------


def test_a_late_worker_does_not_overwrite_a_row_swept_and_taken_again(kind):
    jobs(kind, 3)
    late = engine.claim(kind)
    engine.sweep(kind, now=timezone.now() + timedelta(hours=1))
    again = engine.claim(kind, now=timezone.now() + timedelta(hours=1))
    assert {r.pk for r in again} == {r.pk for r in late}

    outcomes = [engine.done(row) for row in late]
    assert engine.settle(kind, outcomes) == 0
    assert [outcome.final for outcome in outcomes] == [None, None, None]
    rows = Job.objects.filter(kind=kind.name)
    assert {(r.status, r.lease_token) for r in rows} == {("running", again[0].lease_token)}

    assert engine.settle(kind, [engine.done(row) for row in again]) == 3
    assert set(rows.values_list("status", flat=True)) == {"done"}


def test_settling_many_rows_takes_a_statement_per_hundred(kind, django_assert_num_queries):
    jobs(kind, 250)
    rows = engine.claim(kind, limit=250)
    # Each row its own value (a CASE), some done, some retried, some failed.
    outcomes = [
        engine.done(row, payload={"answer": row.pk})
        if row.pk % 3
        else engine.retry(row, f"busy {row.pk}", retry_after=60)
        for row in rows[:-10]
    ] + [engine.fail(row, "refused") for row in rows[-10:]]
    before = timezone.now()
    with django_assert_num_queries(3):
        assert engine.settle(kind, outcomes) == 250
    for row in rows[:20]:
        row.refresh_from_db()
        if row.pk % 3:
            assert (row.status, row.payload, row.last_error) == ("done", {"answer": row.pk}, "")
        else:
            assert (row.status, row.last_error) == ("queued", f"busy {row.pk}")
            assert row.next_attempt_at >= before + timedelta(seconds=60)
        assert (row.lease_token, row.lease_until) == ("", None)
    assert set(Job.objects.filter(last_error="refused").values_list("status", flat=True)) == {
        "failed"
    }


def test_a_kind_may_finish_in_a_state_of_its_own(kind):
    [job] = jobs(kind, 2)[:1]
    first, second = engine.claim(kind)
    engine.settle(kind, [engine.done(first, "published"), engine.fail(second, "x", "needs_reauth")])
    assert status(first) == "published" and status(second) == "needs_reauth"
    assert job.pk == first.pk


def test_done_rows_are_deleted_when_the_policy_keeps_none(make_kind):
    kind, _script = make_kind(delete_done=True)
    jobs(kind, 2)
    runner.run(kind)
    assert not Job.objects.filter(kind=kind.name).exists()


# --- retries ------------------------------------------------------------------------------------


def test_backoff_schedules():
    assert [doubling(jitter=0)(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert doubling(jitter=0)(40) == 6 * 3600
    for attempt in (1, 2, 5, 16):
        assert attempt**4 + 15 <= fourth_power()(attempt) <= attempt**4 + 15 + 10 * attempt
    wait = steps(timedelta(minutes=5), timedelta(minutes=30))
    assert [wait(n) for n in (1, 2, 3)] == [300, 1800, 1800]
    assert fixed(300)(7) == 300


def test_retry_after_is_always_a_floor():
    policy = Policy(backoff=doubling(jitter=0))
    assert policy.wait(1) == 30
    assert policy.wait(1, retry_after=900) == 900
    assert policy.wait(3, retry_after=5) == 120


def test_a_retry_waits_by_the_policy_and_never_less_than_retry_after(make_kind):
    kind, script = make_kind(backoff=fixed(120))
    a, b = jobs(kind, 2)
    script.answer = lambda row: engine.retry(
        row, "503", retry_after=3600 if row.pk == b.pk else None
    )
    before = timezone.now()
    runner.run(kind)
    after = timezone.now()
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, a.last_error, a.attempts) == ("queued", "503", 1)
    assert before + timedelta(seconds=120) <= a.next_attempt_at <= after + timedelta(seconds=120)
    assert b.next_attempt_at >= before + timedelta(seconds=3600)
    assert runner.run(kind) == []  # not due yet


def test_it_gives_up_after_the_maximum_attempts(make_kind):
    kind, script = make_kind(max_attempts=3, backoff=fixed(60))
    [job] = jobs(kind, 1)
    script.answer = lambda row: engine.retry(row, "timeout")
    for minute in range(3):
        with time_machine.travel(timezone.now() + timedelta(minutes=2 * minute), tick=False):
            runner.run(kind)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.last_error) == ("failed", 3, "timeout")
    assert len(script.calls) == 3


def test_the_maximum_may_be_read_when_deciding(make_kind, settings):
    settings.TEST_MAX = 1
    kind, script = make_kind(max_attempts=lambda: settings.TEST_MAX)
    [job] = jobs(kind, 1)
    script.answer = lambda row: engine.retry(row, "timeout")
    runner.run(kind)
    assert status(job) == "failed"


def test_a_handler_that_raises_retries_its_rows_and_logs_the_traceback(kind, script, caplog):
    first, second = jobs(kind, 2)

    def broken(row):
        raise KeyError("bug")

    script.answer = broken
    with caplog.at_level(logging.ERROR, logger="rathaus.jobs.engine"):
        runner.run(kind)
    for job in (first, second):
        job.refresh_from_db()
        assert (job.status, job.last_error) == ("queued", "KeyError: 'bug'")
    [record] = caplog.records
    assert record.exc_info[0] is KeyError


def test_rows_a_handler_says_nothing_about_are_retried(kind, script):
    first, second = jobs(kind, 2)
    kind_handle = script.__call__

    def only_first(rows):
        kind_handle(rows)
        return [engine.done(rows[0])]

    object.__setattr__(kind, "handle", only_first)
    runner.run(kind)
    assert status(first) == "done"
    second.refresh_from_db()
    assert (second.status, second.last_error) == ("queued", "the handler returned no outcome")


def test_settling_each_outcome_keeps_what_was_done_before_a_crash(make_kind):
    kind, _script = make_kind()
    first, second = jobs(kind, 2)

    def one_then_crash(rows):
        yield engine.done(rows[0])
        raise RuntimeError("worker dies")

    object.__setattr__(kind, "handle", one_then_crash)
    object.__setattr__(kind, "settle_each", True)
    outcomes = runner.run(kind)
    assert [o.final for o in outcomes] == ["done", "queued"]
    assert status(first) == "done" and status(second) == "queued"


# --- keys, wake-ups, the tick, recurring work --------------------------------------------------


def test_work_with_a_key_is_queued_once(kind):
    first = engine.enqueue(kind, "post:1", {"v": 1})
    again = engine.enqueue(kind, "post:1", {"v": 2}, at=timezone.now() + timedelta(hours=1))
    assert first.pk == again.pk and again.payload == {"v": 2}
    assert Job.objects.filter(kind=kind.name).count() == 1
    assert runner.run(kind) == []  # moved to later
    assert engine.cancel(kind, "post:1") == 1
    engine.enqueue(kind, None, {}), engine.enqueue(kind, None, {})
    assert Job.objects.filter(kind=kind.name).count() == 2


def test_many_keyless_jobs_are_queued_with_one_insert(kind, script, django_assert_num_queries):
    with django_assert_num_queries(1):
        made = engine.enqueue_many(kind, ({"n": n} for n in range(50)))
    assert len(made) == 50
    later = engine.enqueue_many(kind, [{"n": 99}], at=timezone.now() + timedelta(hours=1))
    runner.run(kind)
    assert sorted(n for call in script.calls for n in call) == sorted(job.pk for job in made)
    assert status(later[0]) == "queued"  # not due yet


def test_a_failed_job_asked_for_again_starts_afresh(kind, script):
    script.answer = lambda row: engine.fail(row, "refused")
    engine.enqueue(kind, "k")
    runner.run(kind)
    job = engine.enqueue(kind, "k")
    assert (job.status, job.attempts, job.last_error) == ("queued", 0, "")


def test_a_wake_up_runs_the_kind_at_once_or_schedules_it_once_per_second(kind, script):
    from huey.contrib.djhuey import HUEY

    jobs(kind, 2)
    runner.wake(kind)  # Huey runs tasks at once in tests
    assert len(script.calls) == 1 and len(script.calls[0]) == 2

    before = HUEY.scheduled_count()
    at = timezone.now() + timedelta(hours=1)
    try:
        runner.wake(kind, at=at)
        runner.wake(kind, at=at + timedelta(milliseconds=10))
        assert HUEY.scheduled_count() == before + 1
    finally:
        HUEY.storage.flush_schedule()
        runner._scheduled.clear()


def test_the_tick_sweeps_and_wakes_the_kinds_that_have_due_rows(make_kind):
    busy, busy_script = make_kind("test.busy")
    idle, idle_script = make_kind("test.idle")
    [job] = jobs(busy, 1)
    engine.enqueue(idle, payload={}, at=timezone.now() + timedelta(hours=1))
    [stuck] = jobs(idle, 1)
    engine.claim(idle)

    woken = runner.tick()
    assert "test.busy" in woken and "test.idle" not in woken
    assert status(job) == "done" and busy_script.calls == [[job.pk]]
    assert idle_script.calls == []

    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        runner.tick()  # the lease ran out: requeued and run
    assert status(stuck) == "done"


def test_a_vanished_row_is_ignored_quietly(kind):
    from rathaus.jobs import tasks

    assert tasks.run_kind.call_local(kind.name, [424242]) == 0
    assert tasks.run_kind.call_local("no.such.kind") == 0


def test_recurring_work_comes_back_after_its_interval(make_kind):
    kind, script = make_kind("test.poll", every=timedelta(minutes=5), max_attempts=2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        runner.tick()  # makes the row and runs it
        assert len(script.calls) == 1
        [row] = Job.objects.filter(kind=kind.name)
        assert (row.status, row.next_attempt_at) == ("queued", start + timedelta(minutes=5))
        runner.tick()
        assert len(script.calls) == 1  # not due again yet
    script.answer = lambda row: engine.retry(row, "server down")
    for minutes in (5, 6, 7):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            runner.run(kind)
    row.refresh_from_db()
    # Out of attempts, yet not given up: tried again after the interval, afresh.
    assert (row.status, row.attempts, row.last_error) == ("queued", 0, "server down")
    assert row.next_attempt_at > start + timedelta(minutes=7)
    assert Job.objects.filter(kind=kind.name).count() == 1


def test_requeue_lets_a_person_try_again(kind, script):
    script.answer = lambda row: engine.fail(row, "refused")
    [job] = jobs(kind, 1)
    runner.run(kind)
    assert engine.requeue(Job.objects.filter(pk=job.pk, status="failed")) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 0)
