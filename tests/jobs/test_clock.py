"""Every worker host's clock may start the periodic work; it is done once per period."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core.cache import caches

from rathaus.jobs import clock, tasks


def test_the_first_clock_of_a_period_takes_the_turn(db):
    start = datetime(2026, 12, 7, 7, 17, 5, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        assert clock.turn("demo.daily", 86400) is True
        assert clock.turn("demo.daily", 86400) is False  # the second host's clock
        assert clock.turn("demo.other", 86400) is True  # each task its own turn
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert clock.turn("demo.daily", 86400) is True


def test_the_minutely_tick_sweeps_once_a_minute_whichever_host_starts_it(db):
    start = datetime(2026, 12, 7, 9, 0, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        tasks.tick.call_local()  # the first host's clock takes the minute's turn
        assert clock.turn("jobs.tick", 60) is False
        assert tasks.tick.call_local() == []  # the other host's clock, same minute
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert clock.turn("jobs.tick", 60) is True


def test_without_the_shared_cache_the_work_is_done_rather_than_skipped(db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(caches["shared"], "add", unreachable)
    assert clock.turn("demo.daily", 86400) is True
    assert clock.turn("demo.daily", 86400) is True
