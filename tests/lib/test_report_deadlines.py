"""lib.report_deadlines: the report deadlines a council's resolution sets, and nothing else."""

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.lib.report_deadlines import Deadline, find_deadlines

FIXTURES = Path(__file__).parent / "fixtures" / "report_deadlines.json"
# Measured on the fixture set (108 sentences, 66 deadlines: one wrong found, none missed),
# rounded down; a change that loses a deadline or finds a wrong one falls below them.
PRECISION = 0.98
RECALL = 1.00


def _due(text: str, written_on: date = date(2025, 2, 3)) -> list[str]:
    return [d.due.isoformat() for d in find_deadlines(text, written_on=written_on)]


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Das Bezirksamt wird ersucht, der BVV bis zum 31.10.2025 zu berichten.", "2025-10-31"),
        ("Der BVV ist bis 31.10.25 zu berichten.", "2025-10-31"),
        ("Der BVV ist bis zum 1.7.2025 zu berichten.", "2025-07-01"),
        ("Der BVV ist bis zum 31.10. zu berichten.", "2025-10-31"),
        ("Dem Stadtrat ist zum 15. März 2025 zu berichten.", "2025-03-15"),
        ("Der Bericht ist spätestens am 30.09.2025 vorzulegen.", "2025-09-30"),
        ("Spätestens zum 1. Juni 2025 ist dem Rat zu berichten.", "2025-06-01"),
        ("Dem Rat ist bis spätestens 2. Juni 2025 zu berichten.", "2025-06-02"),
    ],
)
def test_a_day_before_or_after_the_verb(text, due):
    assert _due(text) == [due]


@pytest.mark.parametrize(
    ("month", "number"),
    [
        ("Januar", 1),
        ("Jänner", 1),
        ("Jan.", 1),
        ("Febr.", 2),
        ("März", 3),
        ("Maerz", 3),
        ("Mai", 5),
        ("Sept.", 9),
        ("Sep", 9),
        ("Okt.", 10),
        ("Dezember", 12),
    ],
)
def test_month_names_written_out_and_abbreviated(month, number):
    assert _due(f"Der BVV ist bis zum 9. {month} 2026 zu berichten.") == [
        date(2026, number, 9).isoformat()
    ]


@pytest.mark.parametrize(
    ("words", "due"),
    [
        ("bis Ende des 2. Quartals 2025", "2025-06-30"),
        ("bis Ende des zweiten Quartals", "2025-06-30"),
        ("bis Ende des ersten Quartals", "2025-03-31"),  # written on 3 February
        ("im 1. Quartal 2026", "2026-03-31"),
        ("im Laufe des IV. Quartals 2025", "2025-12-31"),
        ("bis zum Ende des ersten Halbjahres 2026", "2026-06-30"),
        ("bis Ende 2025", "2025-12-31"),
        ("bis Ende des Jahres", "2025-12-31"),
        ("bis Ende Mai", "2025-05-31"),
        ("bis Ende Februar 2028", "2028-02-29"),
        ("bis Mitte Juni", "2025-06-15"),
        ("im Mai 2025", "2025-05-31"),
    ],
)
def test_the_end_of_a_month_a_quarter_a_half_or_a_year(words, due):
    assert _due(f"Dem Ausschuss für Umwelt ist {words} zu berichten.") == [due]


def test_a_date_without_a_year_is_the_next_such_day():
    text = "Der Bezirksversammlung ist zum 15. März zu berichten."
    assert _due(text, date(2025, 3, 15)) == ["2025-03-15"]
    assert _due(text, date(2025, 3, 16)) == ["2026-03-15"]
    assert _due("Dem Rat ist bis Ende Mai zu berichten.", date(2025, 6, 1)) == ["2026-05-31"]
    assert _due("Der BVV ist bis zum 29.02. zu berichten.", date(2025, 1, 1)) == ["2028-02-29"]


def test_this_year_and_next_year():
    assert _due("Der BVV ist bis zum 1. Dezember d. J. zu berichten.") == ["2025-12-01"]
    assert _due("Der BVV ist bis zum 31.12. dieses Jahres zu berichten.") == ["2025-12-31"]
    assert _due("Der BVV ist bis zum 31.03. k. J. zu berichten.") == ["2026-03-31"]
    # "dieses Jahres" for a day already past is a slip, not a deadline next year.
    assert _due("Der BVV ist bis zum 1. Januar d. J. zu berichten.") == []


@pytest.mark.parametrize(
    ("words", "written_on", "due"),
    [
        ("innerhalb von drei Monaten", date(2025, 3, 31), "2025-06-30"),
        ("innerhalb eines Monats", date(2025, 1, 31), "2025-02-28"),
        ("innerhalb von 12 Monaten", date(2024, 2, 29), "2025-02-28"),
        ("binnen sechs Wochen", date(2025, 2, 19), "2025-04-02"),
        ("innerhalb von zehn Tagen nach Beschlussfassung", date(2025, 12, 28), "2026-01-07"),
    ],
)
def test_a_period_counts_from_the_papers_date(words, written_on, due):
    assert _due(f"Der BVV ist {words} zu berichten.", written_on) == [due]


def test_a_period_counted_from_an_undated_event_has_no_date():
    assert _due("Der BVV ist innerhalb von drei Monaten nach Vergabe zu berichten.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Der Bericht ist bis 31.10.2025 vorzulegen.",
        "Das Bezirksamt wird gebeten, bis 31.10.2025 Bericht zu erstatten.",
        "Zwischenbericht bis 31.10.2025.",
        "Der BVV ist bis 31.10.2025 ein Sachstand zu geben.",
        "Der Ausschuss für Bildung ist bis 31.10.2025 zu informieren.",
        "Die Verwaltung wird beauftragt, den Stadtrat bis 31.10.2025 zu unterrichten.",
        "Das Konzept ist der BVV bis 31.10.2025 vorzulegen.",
        "Die Bezirksvertretung ist bis 31.10.2025 zu unterrichten.",
        "Dem Rechnungsprüfungsausschuss ist bis 31.10.2025 Rechenschaft abzulegen.",
        "Dem Ausschuss ist bis zur Sitzung des Ausschusses am 31.10.2025 zu berichten.",
    ],
)
def test_every_way_of_asking_for_a_report(text):
    assert _due(text) == ["2025-10-31"]


@pytest.mark.parametrize(
    "text",
    [
        "Am 31.10.2025 hat der Ausschuss über den Bericht beraten.",
        "Die nächste Sitzung des Ausschusses findet am 15. März 2025 statt.",
        "Grundlage ist das Gesetz vom 12.03.2019; ein Bericht liegt vor.",
        "Das Bürgeramt ist vom 1. Juli bis 31. August 2025 geschlossen, berichtet die Leitung.",
        "Das Bezirksamt wird ersucht, die Beleuchtung bis zum 31.10.2025 zu erneuern.",
        "Die Bürgerinnen und Bürger sind bis Ende Mai zu informieren.",
        "Anträge sind bis zum 15. März beim Bezirksamt vorzulegen.",
        "Der Sachstandsbericht zum 31.12.2025 liegt dem Ausschuss vor.",
        "Der BVV ist bis zur Sommerpause zu berichten.",
        "Die Verwaltung hat zugesagt, bis Ende 2024 zu berichten.",
        "Der Bericht zum 1. Halbjahr 2025 liegt vor.",
    ],
)
def test_dates_that_are_no_report_deadline(text):
    assert _due(text) == []


def test_a_date_belongs_to_the_verb_of_its_own_clause():
    text = (
        "Das Bezirksamt wird ersucht, den Spielplatz bis Ende 2025 instand zu setzen und der "
        "BVV bis zum 31.03.2026 über die Kosten zu berichten; die Mittel sind bis zum "
        "30.11.2025 abzurufen."
    )
    assert _due(text) == ["2026-03-31"]
    shared = (
        "Das Bezirksamt wird ersucht, das Konzept bis zum 30.09.2025 zu erarbeiten und der "
        "BVV vorzulegen."
    )
    assert _due(shared) == ["2025-09-30"]


def test_sentences_are_judged_one_by_one():
    text = (
        "Der Ausschuss hat am 2. Februar 2025 über den Bericht beraten. "
        "Die Sanierung soll bis zum 2. Juni 2025 abgeschlossen sein. "
        "Der BVV ist bis zum 2. Dezember 2025 zu berichten."
    )
    assert _due(text) == ["2025-12-02"]
    # A date's own full stop may end its sentence.
    assert _due("Die Baustelle bleibt bis zum 31.12. Der Bericht liegt vor.") == []
    assert _due("Bericht bis zum 31.12. Die Baustelle bleibt bis zum 30.11.") == ["2025-12-31"]


@pytest.mark.parametrize("day", ["31.02.2025", "30. Februar 2025", "31.04.", "00.05.2025", "5.13."])
def test_days_that_do_not_exist_are_left_out(day):
    assert _due(f"Der BVV ist bis zum {day} zu berichten.") == []


def test_the_deadline_names_its_words_and_whom_the_report_is_for():
    text = (
        "Das Bezirksamt wird ersucht, dem Ausschuss für Umwelt und Verkehr bis zum 15. Jan. "
        "2026 einen Zwischenbericht und der BVV bis Ende des 2. Quartals 2026 einen "
        "Abschlussbericht vorzulegen. Bericht bis 31.12.2026."
    )
    found = find_deadlines(text, written_on=date(2025, 9, 1))
    expected = [
        (date(2026, 1, 15), "bis zum 15. Jan. 2026", "dem Ausschuss für Umwelt und Verkehr"),
        (date(2026, 6, 30), "bis Ende des 2. Quartals 2026", "der BVV"),
        (date(2026, 12, 31), "bis 31.12.2026", ""),
    ]
    assert found == [
        Deadline(due, phrase, text.index(phrase), text.index(phrase) + len(phrase), addressee)
        for due, phrase, addressee in expected
    ]
    assert all(text[d.start : d.end] == d.phrase for d in found)


def _fixtures() -> list[dict]:
    return json.loads(FIXTURES.read_text(encoding="utf-8"))


def test_the_fixture_set_is_big_enough_and_a_third_of_it_negative():
    fixtures = _fixtures()
    assert len(fixtures) >= 60
    assert sum(not f["deadlines"] for f in fixtures) * 3 >= len(fixtures)


def test_precision_and_recall_on_the_fixture_set():
    true = false = missed = 0
    for fixture in _fixtures():
        found = _due(fixture["text"], date.fromisoformat(fixture["written_on"]))
        expected = list(fixture["deadlines"])
        for due in found:
            if due in expected:
                expected.remove(due)
                true += 1
            else:
                false += 1
        missed += len(expected)
    precision, recall = true / (true + false), true / (true + missed)
    print(f"\nreport deadlines: precision {precision:.3f}, recall {recall:.3f}", end=" ")
    print(f"({true} found, {false} wrong, {missed} missed, {len(_fixtures())} sentences)")
    assert precision >= PRECISION
    assert recall >= RECALL


# Words and pieces of dates this module looks for, so that random texts hit its patterns.
_PIECES = (
    "bis zum spätestens am Ende des im Quartals Halbjahres innerhalb von binnen drei Monaten "
    "Wochen Tagen nach Beschluss d. J. k. J. 31.10. 2025 15. März Jan. Bericht berichten "
    "vorzulegen zu der BVV dem Ausschuss für , ; . und vom 31.02. 9999 1. 2. IV. ſept. \n"
)
_WORDS = st.sampled_from(_PIECES.split(" "))


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=40).map(" ".join)),
    written_on=st.dates(),
)
def test_any_text_is_read_without_error_and_spans_are_its_own(text, written_on):
    for deadline in find_deadlines(text, written_on=written_on):
        assert text[deadline.start : deadline.end] == deadline.phrase
        assert deadline.due >= written_on
