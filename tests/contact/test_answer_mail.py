"""The answer mail frames the agent's text as one letter: one greeting, one closing, whether
the text is a whole answer from a template that greets and closes (the demo's
"Eingangsbestätigung"), a paragraph template that does neither, or a free answer; the
office hours stand on lines of their own. Read in German, as citizens read it."""

import re

import pytest
from django.core import mail
from django.utils import translation

from rathaus.answers.placeholders import fill
from rathaus.demo import data as demo
from tests.helpers import ask, reply_as

GREETINGS = re.compile(r"^(Guten Tag|Hello)\b", re.MULTILINE)
CLOSINGS = re.compile(r"^(Mit freundlichen Grüßen|Kind regards)$", re.MULTILINE)


@pytest.fixture
def conversation(office):
    office.office_hours = demo.MITTE["office_hours"]
    office.save()
    return ask(
        office,
        "<p>Wann wird die Linde gefällt?</p>",
        channel="contact",
        remote_id="contact:1",
        author_name="Erika Mustermann",
        author_email="erika@example.org",
    ).conversation


@pytest.fixture
def answer_mail(conversation, agent, django_capture_on_commit_callbacks):
    """The body of the mail the citizen gets for ``text`` (a template's body is filled as
    the desk's picker fills it)."""
    agent.first_name, agent.last_name = "Agnes", "Amtmann"
    agent.save()

    def send(text: str, *, template: bool = True) -> str:
        text = fill(text, conversation, by=agent) if template else text
        mail.outbox.clear()
        with translation.override("de"):
            reply_as(agent, conversation, text, django_capture_on_commit_callbacks)
        [sent] = mail.outbox
        return sent.body

    return send


def _office_hours_on_lines_of_their_own(body: str) -> None:
    lines = body.splitlines()
    for hours in demo.MITTE["office_hours"].splitlines():
        assert hours in lines, (hours, body)


def test_a_template_that_greets_and_closes_is_greeted_and_closed_once(answer_mail):
    body = answer_mail(demo.TEXT_TEMPLATES["Eingangsbestätigung"])
    assert GREETINGS.findall(body) == ["Guten Tag"], body
    assert body.startswith("Guten Tag Erika Mustermann,\n")
    assert CLOSINGS.findall(body) == ["Mit freundlichen Grüßen"], body
    assert "Mit freundlichen Grüßen\nAgnes Amtmann\nBezirksamt Musterstadt-Mitte\n" in body
    _office_hours_on_lines_of_their_own(body)


def test_a_paragraph_template_gets_the_mails_greeting_and_closing(answer_mail, conversation):
    body = answer_mail(demo.TEXT_TEMPLATES["Öffnungszeiten"])
    assert GREETINGS.findall(body) == ["Guten Tag"], body
    assert body.startswith("Guten Tag,\n\nPersönlich erreichen Sie uns zu diesen Zeiten:\n")
    assert len(CLOSINGS.findall(body)) == 1, body
    assert f"Vorgangsnummer {conversation.reference}." in body
    _office_hours_on_lines_of_their_own(body)


def test_a_free_answer_is_framed_as_a_letter(answer_mail, conversation):
    body = answer_mail("Die Linde wird am Montag gefällt.", template=False)
    assert GREETINGS.findall(body) == ["Guten Tag"]
    assert len(CLOSINGS.findall(body)) == 1
    # The greeting, the text, the closing, then the reference and the follow link.
    assert body.index("Guten Tag,") < body.index("Die Linde") < CLOSINGS.search(body).start()
    assert CLOSINGS.search(body).start() < body.index(conversation.reference)
    # Nothing the citizen typed in the form: the frame does not name them.
    assert "Erika" not in body


def test_an_agent_who_greets_in_their_own_words_is_not_greeted_over(answer_mail):
    text = (
        "Sehr geehrte Frau Mustermann,\n\ndie Linde wird am Montag gefällt.\n\nViele Grüße\nAgnes"
    )
    body = answer_mail(text, template=False)
    assert GREETINGS.findall(body) == []
    assert body.startswith("Sehr geehrte Frau Mustermann,")
    assert CLOSINGS.findall(body) == []
    assert body.count("Grüße") == 1
