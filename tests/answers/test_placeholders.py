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
