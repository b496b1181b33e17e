"""Report deadlines in the texts of council papers (issue 14).

A council's resolutions often order a report: "Das Bezirksamt wird ersucht, der BVV bis
zum 31.10.2016 zu berichten" (the district office is asked to report to the district
assembly by 31 October 2016). :func:`find_deadlines` finds such deadlines (a
*Berichtsauftrag*, a report ordered by the council) with their due date, the words that
name it and whom the report is for, so that each can become a task on the office's desk.

What counts as a deadline: a date introduced as one ("bis", "bis zum", "spätestens",
"zum", "im 1. Quartal", "innerhalb von drei Monaten") in a clause that asks for a report
("berichten", "Bericht", "Zwischenbericht", "Sachstand", "Rechenschaft"; "vorlegen",
"informieren" and "unterrichten" only where the sentence names a council body, since an
office also "informs" citizens and "Anträge sind vorzulegen" is a deadline for
applicants). Not deadlines: dates of meetings ("am 15. März", unless the report is due
there: "bis zur Sitzung am …"), of papers and laws ("vom 12.03.2019"), ranges ("vom 1. Juli
bis 31. August"), dates tied to another verb in their own clause ("bis Ende 2025 instand
zu setzen") and dates before the paper's own date (a narrative, or a missed deadline).

Dates are resolved against ``written_on``, the paper's date: a date without a year is the
next such day on or after it, "d. J." (dieses Jahres) its year, "k. J." (kommenden
Jahres) the next; "Ende Mai", "Ende 2025", "2. Quartal", "erstes Halbjahr" their last
day, "Mitte Mai" the 15th; "innerhalb von drei Monaten" counts from the paper's date (and
from "nach Beschlussfassung", the resolution being the paper); counted from any other
event ("nach Abschluss der Ausschreibung") it has no date and is left out.

Not recognised, on purpose: "bis zur Sommerpause", "im Herbst", "vor den Haushaltsberatungen"
have no calendar date — the summer break is in each council's own schedule of meetings,
which this module does not know; guessing one would put a wrong date on the desk.

Why a table and not a library: ``dateparser`` knows German month names but not quarters,
half years, "d. J." or "Ende Mai", finds dates without telling deadlines from meetings,
and brings a large dependency (regex, tzlocal, locale data for 200 languages) to parse
twelve month names; ``python-dateutil``'s parser knows no German month names without a
hand-written ``parserinfo``, which would be the same table. The explicit table below is
the whole of German month names and abbreviations council papers use, including the
Austrian "Jänner", and month arithmetic is a few lines of :mod:`calendar`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Deadline:
    """One report deadline: when it is due, the words that say so (``text[start:end]``)
    and the council body the report is for ("der BVV"), or "" where the text names none."""

    due: date
    phrase: str
    start: int
    end: int
    addressee: str


def _numbered(*names: str) -> dict[str, int]:
    """``{"januar": 1, "jänner": 1, …}`` from ``"januar jänner"``, … in the order of their
    numbers."""
    return {name: number for number, same in enumerate(names, 1) for name in same.split()}


_MONTHS = _numbered(
    "januar jänner jaenner",
    "februar feber",
    "märz maerz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
)
# Abbreviations are written with or without their full stop ("Jan." and "Jan").
_MONTH_ABBREVIATIONS = _numbered(
    "jan jän", "febr feb", "mär mrz", "apr", "", "jun", "jul", "aug", "sept sep", "okt", "nov",
    "dez",
)  # fmt: skip
_NUMBER_WORDS = _numbered(
    "ein eine einem einen einer eines", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
    "acht", "neun", "zehn", "elf", "zwölf",
)  # fmt: skip
_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}
_ORDINAL_ENDING = re.compile(r"\.|e[nmrs]?$")


def _longest_first(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MONTH = (
    rf"(?:(?:{_longest_first(_MONTHS)})(?!\w)"
    rf"|(?:{_longest_first(_MONTH_ABBREVIATIONS)})(?:\.|(?!\w)))"
)
_ORDINAL = r"(?:[1-4]\.|(?:iii|ii|iv|i)\.|(?:erst|zweit|dritt|viert)e[nmrs]?)"
_THIS_YEAR = r"d\.\s?J\.|dieses\s+Jahres|des\s+laufenden\s+Jahres|lfd\.\s?J\."
_NEXT_YEAR = r"k\.\s?J\.|n\.\s?J\.|kommenden\s+Jahres|nächsten\s+Jahres|des\s+Folgejahres"


def _year_tail(prefix: str) -> str:
    """An optional year after a date: "2025", "d. J." or "k. J."."""
    return (
        rf"(?:\s+(?P<{prefix}_y>\d{{4}})(?!\d)|\s+(?P<{prefix}_this>{_THIS_YEAR})"
        rf"|\s+(?P<{prefix}_next>{_NEXT_YEAR}))?"
    )


def _period(prefix: str, *, end: str) -> str:
    """A quarter or half year, "Ende des 2. Quartals 2025", "ersten Halbjahres", with
    ``end`` the pattern of the word "Ende" before it."""
    return (
        rf"{end}(?:des\s+)?(?P<{prefix}_n>{_ORDINAL})\s+"
        rf"(?P<{prefix}_kind>Quartal|Halbjahr)(?:es|s)?(?!\w)" + _year_tail(prefix)
    )


_NUMERIC = (
    r"(?P<n_d>\d{1,2})\.\s?(?P<n_m>\d{1,2})\."
    r"(?:(?P<n_y>\d{4}|\d{2})(?!\d)|\s(?P<n_y4>\d{4})(?!\d)"
    rf"|\s+(?P<n_this>{_THIS_YEAR})|\s+(?P<n_next>{_NEXT_YEAR}))?"
)
_NAMED = rf"(?P<t_d>\d{{1,2}})\.\s*(?P<t_m>{_MONTH})" + _year_tail("t")
_MONTH_PART = rf"(?P<e_kind>Ende|Mitte)\s+(?:des\s+Monats\s+)?(?P<e_m>{_MONTH})" + _year_tail("e")
_YEAR_END = (
    r"Ende\s+(?:des\s+Jahres\s+)?(?P<y_y>\d{4})(?!\d)"
    rf"|(?P<y_this>Ende\s+(?:des\s+Jahres|{_THIS_YEAR})|Jahresende)"
)
_RELATIVE = (
    rf"(?P<r_n>\d{{1,2}}|{_longest_first(_NUMBER_WORDS)})\s+"
    r"(?P<r_unit>Tag|Woche|Monat)(?:en|es|e|n|s)?(?!\w)"
)
# After "bis" and "zum" only the end of a period is a deadline ("Bericht zum 1. Halbjahr"
# names its subject); after "im" the period itself.
_PERIOD_END = _period("p", end=r"Ende\s+")
_PERIOD_IN = _period("q", end=r"(?:Ende\s+)?")
_MONTH_IN = rf"(?P<i_m>{_MONTH})" + _year_tail("i")
# "bis zur Sitzung des Ausschusses am 20.11.2025": the report is due at that meeting.
_AT_MEETING = r"zur\s+(?:\w+\s+){0,2}?\w*sitzung(?:\s+[\w.]+){0,6}?\s+am\s+"
_DEADLINE = re.compile(
    rf"\b(?:bis\s+(?:spätestens\s+)?(?:{_AT_MEETING}|zum\s+|zur\s+|am\s+)?"
    r"|spätestens\s+(?:bis\s+)?(?:zum\s+|am\s+)?|zum\s+)"
    rf"(?:{_NUMERIC}|{_NAMED}|{_MONTH_PART}|{_YEAR_END}|{_PERIOD_END})"
    rf"|\bim\s+(?:Laufe\s+des\s+)?(?:{_PERIOD_IN}|{_MONTH_IN})"
    rf"|\b(?:innerhalb\s+(?:von\s+)?|binnen\s+){_RELATIVE}",
    re.IGNORECASE,
)
# "vom 1. Juli bis 31. August": the end of a range, not a deadline.
_RANGE_START = re.compile(r"\b(?:vom|von|ab|zwischen)\s+\d[^,;]{0,25}$", re.IGNORECASE)
# "Sachstandsbericht zum 31.12.2025", "Stand zum 30.06.": the day a report describes.
_REFERENCE_DAY = re.compile(r"(?:bericht\w*|Stand|Stichtag|Bilanz)\s+$", re.IGNORECASE)
# A period counted from an event the paper does not date ("nach Abschluss der Ausschreibung");
# "nach Beschlussfassung" counts from the resolution, which is the paper.
_OTHER_EVENT = re.compile(r"\s+(?:nach|ab|seit)\s+(?!(?:der\s+)?Beschluss)", re.IGNORECASE)

# Words asking for a report, enough on their own ("berichtete" tells of a past one;
# "Berichtigung" is a correction).
_REPORT = re.compile(r"bericht(?!ig|ete)|sachstand|rechenschaft", re.IGNORECASE)
# Words that ask for a report only when a council body is named in the same sentence.
_REPORT_TO_COUNCIL = re.compile(
    r"\bvor(?:zu)?legen\b|\bvorgelegt\b|\blegt\b.{0,120}?\bvor\b"
    r"|\binformier(?:en|t)\b|\bunterrichte[nt]\b",
    re.IGNORECASE,
)
# An infinitive of another verb ("zu erneuern", "einzureichen") or a passive of one
# ("abgeschlossen sein"): a date in its clause belongs to that verb.
_OTHER_VERB = re.compile(
    r"\bzu\s+(?!(?:den|denen|einen|ihren|seinen|allen|diesen)\b)[a-zäöüß]{3,}n\b"
    r"|\b[a-zäöüß]{2,}zu[a-zäöüß]{2,}e?n\b|\b[a-zäöüß]+t\s+(?:sein|werden)\b"
)
_COUNCIL = re.compile(
    r"\b(?i:der|dem|den|die|des)\s+(?:BVV|Bezirksverordnetenversammlung|Bezirksversammlung"
    r"|Stadtverordnetenversammlung|(?:Gemeinde|Stadt|Bezirks)vertretung|Ratsversammlung"
    r"|Bürgerschaft|Kreistag(?:es|s)?|(?:Stadt|Gemeinde|Ortschafts|Stadtbezirks|Bezirks|Orts)?"
    r"[Rr]at(?:es|s)?"
    r"|[A-ZÄÖÜ]\w*beirat(?:es|s)?|Beirat(?:es|s)?|[A-ZÄÖÜ]\w*ausschuss(?:es)?|Ausschuss(?:es)?)"
    r"(?:\s+für\s+[A-ZÄÖÜ][\w-]*(?:(?:\s+und\s+|,\s*)[A-ZÄÖÜ][\w-]*)*)?(?!\w)"
)
# Sentence ends: a full stop before a capital, unless it closes an ordinal ("2. Quartal",
# but not "bis zum 31.12. Der") or an abbreviation ("d. J. Der"); a line break after
# punctuation; an empty line.
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÄÖÜ])|[.!?:;]\s*\n\s*|\n\s*\n\s*")
_ABBREVIATED = re.compile(
    r"(?:(?<![\d.])\b\d{1,2}|\b\w|\b(?:Drs|Nr|Abs|Ziff|gem|ggf|bzw|vgl|ca|Dr|St|Str|lfd|Anl|usw|evtl|inkl"
    r"|Jan|Jän|Febr?|Mär|Mrz|Apr|Jun|Jul|Aug|Sept?|Okt|Nov|Dez))$"
)
_CLAUSE_END = re.compile(r";")
_SEGMENT_END = re.compile(r",|\s(?:und|sowie|oder|bzw\.)\s")


def find_deadlines(text: str, *, written_on: date) -> list[Deadline]:
    """The report deadlines in ``text``, a council paper written on ``written_on``, in
    the order they appear. Never raises: dates that do not exist (31.02.) are left out."""
    found = []
    for match in _DEADLINE.finditer(text):
        try:
            due = _due(match, text, written_on)
        except (OverflowError, ValueError):  # a period counted past the year 9999
            continue
        if due is None or due < written_on:
            continue
        addressee = _report_to(text, match.start(), match.end())
        if addressee is None:
            continue
        found.append(Deadline(due, match.group(), match.start(), match.end(), addressee))
    return found


def _due(match: re.Match[str], text: str, written_on: date) -> date | None:
    """The date ``match`` names, or None where it names none or no day that exists."""
    group = match.group
    if group("r_n"):
        if _OTHER_EVENT.match(text, match.end()):
            return None
        count = int(group("r_n")) if group("r_n").isdigit() else _word(_NUMBER_WORDS, group("r_n"))
        unit = group("r_unit").lower()
        if unit == "monat":
            return _add_months(written_on, count)
        return written_on + timedelta(days=count * (7 if unit == "woche" else 1))
    if _RANGE_START.search(text, max(0, match.start() - 40), match.start()):
        return None
    if match.group().lower().startswith("zum") and _REFERENCE_DAY.search(
        text, max(0, match.start() - 40), match.start()
    ):
        return None
    if group("n_d"):
        year = _year(group("n_y") or group("n_y4"), group("n_this"), group("n_next"), written_on)
        return _day(year, int(group("n_m")), int(group("n_d")), written_on)
    if group("t_d"):
        year = _year(group("t_y"), group("t_this"), group("t_next"), written_on)
        return _day(year, _month(group("t_m")), int(group("t_d")), written_on)
    if group("e_m"):
        month = _month(group("e_m"))
        year = _year(group("e_y"), group("e_this"), group("e_next"), written_on)
        if group("e_kind").lower() == "mitte":
            return _day(year, month, 15, written_on)
        return _last_day_of(year, month, written_on)
    if group("y_y"):
        return _day(int(group("y_y")), 12, 31, written_on)
    if group("y_this"):
        return date(written_on.year, 12, 31)
    if group("i_m"):
        month = _month(group("i_m"))
        year = _year(group("i_y"), group("i_this"), group("i_next"), written_on)
        return _last_day_of(year, month, written_on)
    for prefix in ("p", "q"):
        if group(f"{prefix}_n"):
            ordinal = _ORDINAL_ENDING.sub("", group(f"{prefix}_n").lower())
            number = int(ordinal) if ordinal.isdigit() else _word(_ORDINALS, ordinal)
            if group(f"{prefix}_kind").lower() == "halbjahr":
                if number > 2:
                    return None
                last_month = 6 * number
            else:
                last_month = 3 * number
            year = _year(
                group(f"{prefix}_y"), group(f"{prefix}_this"), group(f"{prefix}_next"), written_on
            )
            return _last_day_of(year, last_month, written_on)
    return None


def _month(name: str) -> int:
    return _word(_MONTHS | _MONTH_ABBREVIATIONS, name.rstrip("."))


def _word(table: dict[str, int], word: str) -> int:
    """The value of ``word`` in ``table``, compared as the patterns compare it: ignoring
    case the way :data:`re.IGNORECASE` does ("ſept" for "sept", which ``lower`` keeps)."""
    if word.lower() in table:
        return table[word.lower()]
    return next(v for k, v in table.items() if re.fullmatch(re.escape(k), word, re.IGNORECASE))


def _year(digits: str | None, this: str | None, following: str | None, written_on: date) -> int:
    """The year a date names; 0 where it names none (the next such day is meant)."""
    if digits:
        return int(digits) + (2000 if len(digits) == 2 else 0)
    if this:
        return written_on.year
    if following:
        return written_on.year + 1
    return 0


def _day(year: int, month: int, day: int, written_on: date) -> date | None:
    """That day, or without a year the next such day on or after ``written_on``."""
    if year:
        return _valid(year, month, day)
    for candidate in range(written_on.year, written_on.year + 8):  # 29 February: a leap year
        due = _valid(candidate, month, day)
        if due is not None and due >= written_on:
            return due
    return None


def _last_day_of(year: int, month: int, written_on: date) -> date | None:
    """The last day of ``month`` in ``year``; without a year, the next one that is not
    before ``written_on`` (the end of a quarter is the last day of its last month)."""
    if not year:
        year = written_on.year
        if date(year, month, calendar.monthrange(year, month)[1]) < written_on:
            year += 1
    return _valid(year, month, calendar.monthrange(year, month)[1])


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 31.02., month 13, year 0
        return None


def _add_months(start: date, months: int) -> date:
    """``months`` after ``start``; 31 March + 3 months is 30 June, the month's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _report_to(text: str, start: int, end: int) -> str | None:
    """Whom the report with a deadline at ``text[start:end]`` is for ("" where the text
    names nobody), or None where the deadline is not one for a report."""
    sentence_start, sentence_end = _around(text, start, end, _SENTENCE_END, limit=2000)
    clause_start, clause_end = _around(text, start, end, _CLAUSE_END, sentence_start, sentence_end)
    clause = text[clause_start:clause_end]
    council = list(_COUNCIL.finditer(clause))
    segments = _segments(clause)
    at = next(i for i, (a, b) in enumerate(segments) if a <= start - clause_start < b)
    own = clause[segments[at][0] : segments[at][1]]
    if not _asks_for_report(own, council):
        if _OTHER_VERB.search(_REPORT_TO_COUNCIL.sub(" ", own)):
            # "das Konzept bis zum … zu erarbeiten und der BVV vorzulegen": coordinated
            # verbs share the date unless the next one has its own.
            following = segments[at + 1 : at + 2]
            if not following or not _shares_date(clause, following[0], council):
                return None
        elif not any(_asks_for_report(clause[a:b], council) for a, b in segments):
            return None
    if not council:
        return ""
    middle = (start + end) / 2 - clause_start
    nearest = min(council, key=lambda c: abs((c.start() + c.end()) / 2 - middle))
    article, rest = nearest.group().split(maxsplit=1)
    return f"{article.lower()} {rest}"


def _asks_for_report(segment: str, council: list[re.Match[str]]) -> bool:
    return bool(_REPORT.search(segment) or (council and _REPORT_TO_COUNCIL.search(segment)))


def _shares_date(clause: str, segment: tuple[int, int], council: list[re.Match[str]]) -> bool:
    words = clause[segment[0] : segment[1]]
    return _asks_for_report(words, council) and not _DEADLINE.search(words)


def _around(
    text: str,
    start: int,
    end: int,
    ends: re.Pattern[str],
    lower: int = 0,
    upper: int = -1,
    *,
    limit: int = 0,
) -> tuple[int, int]:
    """The stretch of ``text`` between the separators ``ends`` around ``start``–``end``,
    within ``lower``–``upper`` (and ``limit`` characters either side, for long texts)."""
    upper = len(text) if upper < 0 else upper
    if limit:
        lower, upper = max(lower, start - limit), min(upper, end + limit)
    begin, finish = lower, upper
    for separator in ends.finditer(text, lower, upper):
        if (
            ends is _SENTENCE_END
            and separator.group().startswith(".")
            and _ABBREVIATED.search(text, max(lower, separator.start() - 6), separator.start())
        ):
            continue
        if separator.end() <= start:
            begin = separator.end()
        elif separator.end() > end:  # "bis zum 31.12. Der …": the date's full stop ends it
            finish = max(separator.start(), end)
            break
    return begin, finish


def _segments(clause: str) -> list[tuple[int, int]]:
    """The stretches of ``clause`` between commas and "und", "sowie", "oder"."""
    bounds, begin = [], 0
    for separator in _SEGMENT_END.finditer(clause):
        bounds.append((begin, separator.start()))
        begin = separator.end()
    bounds.append((begin, len(clause) + 1))
    return bounds
