"""Placeholders in text templates: filled from the conversation, unknown ones left visible
and reported, and braces of any kind never break the text."""

import pytest
from django.core.exceptions import ValidationError

from rathaus.answers.models import TextTemplate
from rathaus.answers.placeholders import fill, unknown_placeholders
from tests.helpers import ask


@pytest.fixture
def conversation(office):
    office.office_hours = "Mo–Fr 8–16 Uhr"
    office.save()
    return ask(
        office,
        "<p>Wann wird die Linde gefällt?</p>",
        channel="kontakt",
        remote_id="form-1",
        author_name="Anna Anwohnerin",
    ).conversation


def test_it_fills_every_placeholder(conversation, agent):
    agent.first_name, agent.last_name = "Agnes", "Amtmann"
    text = "Guten Tag {name}, zu {reference}: {office}, {office_hours}. Ihre {agent}"
    filled = fill(text, conversation, by=agent)
    assert filled == (
        f"Guten Tag Anna Anwohnerin, zu {conversation.reference}: "
        "Bezirksamt Musterstadt-Mitte, Mo–Fr 8–16 Uhr. Ihre Agnes Amtmann"
    )


def test_the_agent_is_their_username_without_a_full_name(conversation, agent):
    assert fill("Ihre {agent}", conversation, by=agent) == "Ihre agnes.agent"


def test_names_match_without_regard_to_case(conversation):
    assert fill("Hallo {Name}!", conversation) == "Hallo Anna Anwohnerin!"


def test_an_empty_name_takes_its_space_along(conversation):
    conversation.citizen_name = ""
    assert fill("Guten Tag {name},\nvielen Dank.", conversation) == "Guten Tag,\nvielen Dank."
    assert fill("Hallo {name}!", conversation) == "Hallo!"
    assert fill("Danke {name} für die Frage", conversation) == "Danke für die Frage"
    assert fill("Ihre {agent}", conversation) == "Ihre"


def test_unknown_placeholders_stay_and_are_reported(conversation):
    text = "Hallo {name}, Ihr {aktenzeichen} vom {datum}; nochmals {aktenzeichen}."
    assert fill(text, conversation) == (
        "Hallo Anna Anwohnerin, Ihr {aktenzeichen} vom {datum}; nochmals {aktenzeichen}."
    )
    assert unknown_placeholders(text) == ["{aktenzeichen}", "{datum}"]
    assert unknown_placeholders("Hallo {name} aus {office}") == []


@pytest.mark.parametrize(
    "text",
    ["Ein { allein", "und } allein", "{}", "{{name}}", "{0}", "{name", "name}", "%(name)s {!r}"],
)
def test_braces_never_break_the_text(conversation, text):
    filled = fill(text, conversation)
    assert filled == text.replace("{name}", "Anna Anwohnerin")
    assert unknown_placeholders(text) == []


def test_a_template_with_an_unknown_placeholder_is_refused(office, english_messages):
    template = TextTemplate(office=office, title="Baumfällung", body="Hallo {nmae}")
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "{nmae}" in str(refused.value)
    assert "{reference}" in str(refused.value)


# ----- placeholders that give whole lines -------------------------------------------------

HOURS = "Bürgeramt: Mo 8–14 Uhr\r\nPressestelle: Mo–Fr 9–16 Uhr  "


def test_office_hours_on_a_line_of_their_own_fill_it_with_their_lines(conversation):
    conversation.office.office_hours = HOURS
    text = "Sie erreichen uns zu diesen Zeiten:\r\n{office_hours}\r\n\r\nIhr {office}"
    assert fill(text, conversation) == (
        "Sie erreichen uns zu diesen Zeiten:\n"
        "Bürgeramt: Mo 8–14 Uhr\nPressestelle: Mo–Fr 9–16 Uhr\n\n"
        "Ihr Bezirksamt Musterstadt-Mitte"
    )


def test_empty_office_hours_take_their_line_along(conversation):
    conversation.office.office_hours = ""
    assert fill("Zeiten:\n  {office_hours} \nEnde", conversation) == "Zeiten:\nEnde"


def test_office_hours_of_several_lines_never_stand_mid_sentence(conversation):
    """A template saved before the rule: the words before end with a colon, the hours
    follow as lines, the full stop that ended the sentence goes."""
    conversation.office.office_hours = HOURS
    filled = fill("Guten Tag {name}, Sie erreichen uns {office_hours}.\nDanke", conversation)
    assert filled == (
        "Guten Tag Anna Anwohnerin, Sie erreichen uns:\n"
        "Bürgeramt: Mo 8–14 Uhr\nPressestelle: Mo–Fr 9–16 Uhr\nDanke"
    )
    filled = fill("Sie erreichen uns {office_hours} am Telefon.", conversation)
    assert filled.splitlines()[-1] == "am Telefon."


@pytest.mark.parametrize(
    "body",
    [
        "Sie erreichen uns {office_hours}.",
        "{office_hours} sind unsere Zeiten",
        "Zeiten: {Office_Hours}",
    ],
)
def test_a_template_with_office_hours_inside_a_sentence_is_refused(office, english_messages, body):
    template = TextTemplate(office=office, title="Zeiten", body=body)
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "gives whole lines" in str(refused.value)


def test_a_template_with_office_hours_on_their_own_line_is_taken(office):
    TextTemplate(office=office, title="Zeiten", body="Zeiten:\n  {office_hours}\n").full_clean()
