"""The German and English catalogues are complete, their compiled .mo files match the .po
files, and the pages come out in German by default and in English on request.

The .po files are read with a small parser from the standard library, so the test needs no
gettext tools on the machine."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LANGUAGES = ["de", "en"]
LOCALE = Path(settings.LOCALE_PATHS[0])


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and (entry.msgstr or entry.msgid):
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:  # comment after a message: a new one
                finish()
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            _append(entry, target, ast.literal_eval(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}:{number}: cannot parse {line!r}"
        keyword, index, text = match.groups()
        new_message = keyword in ("msgctxt", "msgid") and target is not None
        if new_message and target[0] != "msgctxt":  # no blank line before it
            finish()
        if entry is None:
            entry = Entry(line=number)
        target = (keyword.split("[")[0], int(index) if index is not None else None)
        if target[0] == "msgstr" and target[1] is None:
            target = ("msgstr", 0)
        _set(entry, target, ast.literal_eval(text))
    finish()
    return entries


def _set(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index or 0] = text
    else:
        setattr(entry, name, text)


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index or 0] += text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def _messages(language: str) -> list[Entry]:
    return [entry for entry in parse_po(_po(language)) if entry.msgid]


def _header(language: str) -> Entry:
    return next(entry for entry in parse_po(_po(language)) if not entry.msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_is_complete_and_nothing_is_fuzzy(language):
    messages = _messages(language)
    assert len(messages) > 100, "the catalogue looks empty: run `make messages`"
    where = _po(language).name
    empty = [
        f"{where}:{entry.line} {entry.msgid!r}"
        for entry in messages
        if not entry.msgstr or not all(entry.msgstr.values())
    ]
    fuzzy = [
        f"{where}:{entry.line} {entry.msgid!r}" for entry in messages if "fuzzy" in entry.flags
    ]
    assert not empty, "untranslated:\n" + "\n".join(empty)
    assert not fuzzy, "fuzzy:\n" + "\n".join(fuzzy)
    header = _header(language)
    assert "fuzzy" not in header.flags
    assert f"Language: {language}\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_both_forms(language):
    for entry in _messages(language):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    for entry in _messages(language):
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(source)), (
                entry.msgid
            )


def test_english_translates_to_itself():
    for entry in _messages("en"):
        assert entry.msgstr[0] == entry.msgid
        if entry.msgid_plural is not None:
            assert entry.msgstr[1] == entry.msgid_plural


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    """A .mo compiled before the last change of the .po would translate some msgid
    differently, or not at all: run `make messages` and commit both files."""
    mo = _po(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _messages(language):
        if entry.msgid_plural is not None:
            got = [
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt is not None
                else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
            expected = [entry.msgstr[0], entry.msgstr[1]]
        else:
            got = [
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else compiled.gettext(entry.msgid)
            ]
            expected = [entry.msgstr[0]]
        if got != expected:
            stale.append(f"{entry.msgid!r}: .mo gives {got!r}, .po says {expected!r}")
    assert not stale, f"{mo} is older than its .po:\n" + "\n".join(stale)


def test_the_parser_reads_context_plurals_flags_and_continuations(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "ctx"\nmsgid "One %(n)d"\n'
        'msgid_plural "Many %(n)d"\nmsgstr[0] "Ein %(n)d"\nmsgstr[1] ""\n"Viele %(n)d"\n\n'
        '#~ msgid "old"\n#~ msgstr "alt"\n\n'
        'msgid "Say \\"hi\\""\nmsgstr ""\n',
        encoding="utf-8",
    )
    header, plural, quoted = parse_po(po)
    assert header.msgstr == {0: "Language: de\n"}
    assert plural.msgctxt == "ctx"
    assert plural.msgstr == {0: "Ein %(n)d", 1: "Viele %(n)d"}
    assert plural.flags == {"fuzzy", "python-format"}
    assert quoted.msgid == 'Say "hi"'
    assert quoted.msgstr == {0: ""}


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_the_newsroom_is_german_by_default_and_english_on_request(client, office, published):
    url = reverse("newsroom:index", args=[office.slug])

    german = client.get(url).content.decode()
    assert "Aktuelle Meldungen" in german
    assert "Latest news" not in german
    assert 'lang="de"' in german

    english = client.get(f"/en{url}").content.decode()
    assert "Latest news" in english
    assert "Aktuelle Meldungen" not in english
    assert 'lang="en"' in english


def test_the_desk_is_german_by_default_and_english_on_request(editor_client, office, published):
    url = reverse("desk:dashboard", args=[office.slug])

    german = editor_client.get(url).content.decode()
    assert "Kürzlich veröffentlicht" in german
    assert "Neuer Beitrag" in german
    assert "Recently published" not in german
    assert 'lang="de"' in german

    english = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recently published" in english
    assert "New post" in english
    assert "Kürzlich veröffentlicht" not in english
    assert 'lang="en"' in english
