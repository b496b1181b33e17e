"""Reading planned posts from CSV: every row taken whole or refused with line, field and
reason; refused rows create nothing."""

from datetime import UTC, datetime

import pytest
import time_machine

from rathaus.delivery.models import ChannelDefault
from rathaus.offices.access import LifecycleError
from rathaus.posts import plan_import
from rathaus.posts.models import Post

pytestmark = pytest.mark.usefixtures("english_messages")

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


def _read(office, text):
    with time_machine.travel(NOW, tick=False):
        return plan_import.read(office, text)


def _refusals(reading):
    return [(r.line, r.field, r.reason) for r in reading.refused]


def test_good_rows_are_planned_in_the_office_time(office):
    reading = _read(
        office,
        "title;text;category;time;channels\n"
        "Sprechstunde;Dienstags im Rathaus.;service;2026-03-31 10:00;newsroom\n"
        'Baustelle;"Zwei Zeilen;\nmit Semikolon";Short notice;'
        "24.03.2026 08:30;\n"
        "Ohne Zeit;Text;;;\n",
    )
    assert reading.refused == []
    first, second, third = reading.planned
    assert (first.line, first.category, first.channels) == (2, "service", ["newsroom"])
    assert first.publish_at == datetime(2026, 3, 31, 8, 0, tzinfo=UTC)  # summer time
    assert second.text == "Zwei Zeilen;\nmit Semikolon" and second.category == "short_notice"
    assert second.publish_at == datetime(2026, 3, 24, 7, 30, tzinfo=UTC)  # winter time
    assert (third.publish_at, third.category) == (None, "press_release")


def test_commas_and_german_headings_are_read(office):
    reading = _read(office, "Titel,Text,Kategorie,Zeit\nA,B,press-release,2026-04-01T09:00\n")
    assert [(p.title, p.category) for p in reading.planned] == [("A", "press_release")]


def test_each_bad_row_is_refused_with_line_field_and_reason(office, scripted_channel):
    ChannelDefault.objects.create(office=office, category="meeting", channels=[])
    reading = _read(
        office,
        "title;text;category;time;channels\n"
        ";Text;;;\n"
        "Titel;;;;\n"
        "Titel;Text;Kirmes;;\n"
        "Titel;Text;;morgen früh;\n"
        "Titel;Text;;2026-03-29 02:30;\n"
        "Titel;Text;;2026-03-01 10:00;\n"
        "Titel;Text;;;twitter\n"
        "Titel;Text;meeting;;scripted\n"
        "Titel;Text;;;;zu viel\n"
        f"{'T' * 201};Text;;;\n"
        "Gut;Text;meeting;2026-10-25 02:30;newsroom\n",
    )
    refusals = _refusals(reading)
    assert [(line, field) for line, field, _reason in refusals] == [
        (2, "title"),
        (3, "text"),
        (4, "category"),
        (5, "time"),
        (6, "time"),
        (7, "time"),
        (8, "channels"),
        (9, "channels"),
        (10, ""),
        (11, "title"),
    ]
    reasons = dict(((line, reason) for line, _field, reason in refusals))
    assert "Kirmes" in reasons[4]
    assert "skip" in reasons[6]
    assert "future" in reasons[7]
    assert "twitter" in reasons[8]
    assert "Scripted" in reasons[9] and "Council meeting" in reasons[9]
    (good,) = reading.planned
    assert good.line == 12 and good.publish_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert "twice" in good.notes[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("a;b\n1;2\n", "missing: title, text"),
        ("title;text\x00\n", "not a CSV"),
        ("title;text\n" + "T;x\n" * 501, "At most 500"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(office, text, message):
    with pytest.raises(plan_import.FileRefused, match=message):
        _read(office, text)


def test_windows_encoding_and_a_byte_order_mark_are_read(office):
    latin = "title;text\nBürgerfest;Grüße\n".encode("cp1252")
    assert plan_import.decode(latin).startswith("title;text\nBürgerfest")
    assert plan_import.decode("\ufefftitle".encode()) == "title"
    with pytest.raises(plan_import.FileRefused):
        plan_import.decode(b"x" * (plan_import.MAX_BYTES + 1))


def test_create_makes_drafts_with_the_desired_time(office, editor, approver):
    reading = _read(office, "title;text;time\nA;Text A;2026-03-31 10:00\nB;Text B;\n")
    with time_machine.travel(NOW, tick=False):
        posts = plan_import.create(office, reading.planned, by=editor)
    assert [(p.title, p.status, p.created_by) for p in posts] == [
        ("A", Post.Status.DRAFT, editor),
        ("B", Post.Status.DRAFT, editor),
    ]
    assert posts[0].publish_at == datetime(2026, 3, 31, 8, tzinfo=UTC)
    with pytest.raises(LifecycleError, match="role"):
        plan_import.create(office, reading.planned, by=approver)
    assert Post.objects.count() == 2


def test_the_template_file_reads_without_refusals(office):
    reading = _read(office, plan_import.TEMPLATE)
    assert len(reading.planned) == 1 and reading.refused == []
