"""Working hours as response-time targets count them: the office's periods in its own time
zone, without weekends, without its state's public holidays, right across the two
daylight-saving nights."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import holidays
import pytest

from rathaus.lib.working_hours import (
    add_working_hours,
    parse_working_hours,
    working_hours_between,
)
from rathaus.offices.models import default_working_hours

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = default_working_hours()  # Monday to Friday, 08:00–16:00
ALL_DAY = {str(day): [["00:00", "24:00"]] for day in range(7)}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def add(start, hours, *, working_hours=OFFICE, region="BE"):
    due = add_working_hours(
        start,
        hours,
        zone=BERLIN,
        working_hours=working_hours,
        holidays=holidays.Germany(subdiv=region),
    )
    return due.astimezone(BERLIN)


def between(start, end, working_hours, days_off=frozenset()):
    return working_hours_between(
        start, end, zone=BERLIN, working_hours=working_hours, holidays=days_off
    )


def test_it_counts_only_working_hours_within_a_day():
    assert add(local(2026, 6, 10, 9, 0), 4) == local(2026, 6, 10, 13, 0)


def test_a_target_carries_over_the_weekend_to_monday():
    # Friday 14:00 + 4 h: two hours on Friday, two on Monday.
    assert add(local(2026, 6, 12, 14, 0), 4) == local(2026, 6, 15, 10, 0)


def test_a_target_ending_with_the_working_day_is_due_then():
    assert add(local(2026, 6, 12, 14, 0), 2) == local(2026, 6, 12, 16, 0)


def test_a_message_on_sunday_night_starts_counting_on_monday_at_eight():
    assert add(local(2026, 6, 14, 23, 30), 1) == local(2026, 6, 15, 9, 0)


def test_a_message_at_night_starts_counting_at_eight_the_next_morning():
    assert add(local(2026, 6, 9, 22, 15), 0.5) == local(2026, 6, 10, 8, 30)
    assert add(local(2026, 6, 10, 5, 0), 8) == local(2026, 6, 10, 16, 0)


def test_reformation_day_is_a_holiday_in_brandenburg_but_not_in_berlin():
    # Thursday 31 October 2024: Reformationstag in BB only.
    wednesday = local(2024, 10, 30, 15, 0)
    assert add(wednesday, 2, region="BB") == local(2024, 11, 1, 9, 0)
    assert add(wednesday, 2, region="BE") == local(2024, 10, 31, 9, 0)


def test_womens_day_is_a_holiday_in_berlin_but_not_in_brandenburg():
    # Friday 8 March 2024: Internationaler Frauentag in BE only.
    thursday = local(2024, 3, 7, 15, 0)
    assert add(thursday, 2, region="BE") == local(2024, 3, 11, 9, 0)
    assert add(thursday, 2, region="BB") == local(2024, 3, 8, 9, 0)


def test_a_set_of_dates_serves_as_holidays_too():
    due = add_working_hours(
        local(2026, 6, 10, 15, 0),
        2,
        zone=BERLIN,
        working_hours=OFFICE,
        holidays={date(2026, 6, 11)},
    )
    assert due.astimezone(BERLIN) == local(2026, 6, 12, 9, 0)


def test_monday_eight_is_local_time_after_the_spring_switch():
    # Friday 27 March 2026 is winter time (UTC+1), Monday 30 March summer time (UTC+2).
    due = add(local(2026, 3, 27, 15, 0), 2)
    assert due == local(2026, 3, 30, 9, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_monday_eight_is_local_time_after_the_autumn_switch():
    due = add(local(2026, 10, 23, 15, 0), 2)
    assert due == local(2026, 10, 26, 9, 0)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_the_spring_night_is_an_hour_short_and_the_autumn_night_an_hour_long():
    assert between(local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0), ALL_DAY) == 23
    assert between(local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0), ALL_DAY) == 25
    # 24 working hours from Saturday midnight end at 01:00 on Monday in March …
    assert add(local(2026, 3, 28, 0, 0), 48, working_hours=ALL_DAY) == local(2026, 3, 30, 1, 0)
    # … and at 23:00 on Sunday in October.
    assert add(local(2026, 10, 24, 0, 0), 48, working_hours=ALL_DAY) == local(2026, 10, 25, 23, 0)


def test_a_period_in_the_skipped_hour_counts_only_its_real_length():
    sunday = {"6": [["01:00", "03:00"]]}
    assert between(local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0), sunday) == 1
    skipped = {"6": [["02:00", "03:00"]]}
    assert between(local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0), skipped) == 0
    half = {"6": [["02:30", "04:00"]]}
    assert between(local(2026, 3, 29, 0, 0), local(2026, 3, 30, 0, 0), half) == 1


def test_a_period_over_the_repeated_hour_counts_it_twice():
    sunday = {"6": [["01:00", "03:00"]]}
    assert between(local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0), sunday) == 3
    repeated = {"6": [["02:00", "03:00"]]}
    assert between(local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0), repeated) == 2
    # A boundary inside the repeated hour: a start at its first showing, an end at its last.
    ends_inside = {"6": [["00:00", "02:30"]]}
    assert between(local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0), ends_inside) == 3.5
    starts_inside = {"6": [["02:30", "04:00"]]}
    assert between(local(2026, 10, 25, 0, 0), local(2026, 10, 26, 0, 0), starts_inside) == 2.5
    # Two hours of work from 01:00 end when the clock shows 02:00 for the second time.
    assert add(local(2026, 10, 25, 1, 0), 2, working_hours=sunday).astimezone(UTC) == datetime(
        2026, 10, 25, 1, 0, tzinfo=UTC
    )


def test_working_hours_between_skips_weekends_and_holidays():
    friday, tuesday = local(2026, 6, 12, 15, 0), local(2026, 6, 16, 9, 30)
    assert between(friday, tuesday, OFFICE) == 1 + 8 + 1.5
    assert between(friday, tuesday, OFFICE, {date(2026, 6, 15)}) == 1 + 1.5
    assert between(tuesday, friday, OFFICE) == 0


def test_working_hours_between_is_the_inverse_of_adding_them():
    start = local(2026, 3, 26, 11, 17)
    for hours in (0.25, 3, 8, 17.5, 40):
        assert between(start, add(start, hours), OFFICE) == pytest.approx(hours)


def test_several_periods_a_day_leave_the_lunch_break_out():
    split = {"0": [["08:00", "12:00"], ["13:00", "15:30"]]}
    assert add(local(2026, 6, 15, 11, 0), 2, working_hours=split) == local(2026, 6, 15, 14, 0)


@pytest.mark.parametrize(
    ("working_hours", "problem"),
    [
        ([["08:00", "16:00"]], "mapping"),
        ({"7": [["08:00", "16:00"]]}, "weekday"),
        ({"mo": [["08:00", "16:00"]]}, "weekday"),
        ({"0": [["8 Uhr", "16:00"]]}, "HH:MM"),
        ({"0": [["08:00", "24:30"]]}, "HH:MM"),
        ({"0": [["16:00", "08:00"]]}, "end after"),
        ({"0": [["08:00"]]}, "pair"),
        ({"0": [["08:00", "12:00"], ["11:00", "14:00"]]}, "overlap"),
    ],
)
def test_bad_working_hours_are_refused_with_a_reason(working_hours, problem):
    with pytest.raises(ValueError, match=problem):
        parse_working_hours(working_hours)


def test_an_office_without_any_working_time_is_refused_not_looped_forever():
    with pytest.raises(ValueError, match="no working time"):
        add(local(2026, 6, 10, 9, 0), 1, working_hours={})


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(
            datetime(2026, 6, 10, 9, 0), 1, zone=BERLIN, working_hours=OFFICE, holidays=set()
        )
