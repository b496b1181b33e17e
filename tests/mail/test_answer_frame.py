"""An answer by mail reads as one letter, as the contact form's answer mail does: the frame
greets and closes only where the agent's text (or its template) does not."""

import re

import pytest

from rathaus.answers.placeholders import fill
from rathaus.demo import data as demo
from rathaus.inbox import work
from rathaus.mail import outbound
from tests.helpers import ask

pytestmark = pytest.mark.usefixtures("english_messages")
GREETINGS = re.compile(r"^(Hello|Guten Tag|Sehr geehrte)\b", re.MULTILINE)
CLOSINGS = re.compile(r"^(Kind regards|Mit freundlichen Grüßen|Viele Grüße)$", re.MULTILINE)


@pytest.fixture
def compose(office, agent):
    office.office_hours = demo.MITTE["office_hours"]
    office.save()
    conversation = ask(
        office,
        "<p>Wann?</p>",
        channel="email",
        author_name="Erika Mustermann",
        author_email="erika@example.org",
    ).conversation

    def mail_for(text: str) -> tuple[str, str]:
        answer = work.reply(conversation, fill(text, conversation, by=agent), by=agent)
        mail = outbound.compose(answer)
        return mail.body, mail.alternatives[0][0]

    return mail_for


def test_a_free_answer_gets_one_greeting_and_one_closing(compose, office):
    text, html = compose("Am Montag ab 8 Uhr.")
    assert GREETINGS.findall(text) == ["Hello"]
    assert CLOSINGS.findall(text) == ["Kind regards"]
    assert text.startswith("Hello,\n\nAm Montag ab 8 Uhr.\n\nKind regards\n" + office.name)
    assert html.count("Hello,") == 1 and html.count("Kind regards") == 1


def test_the_demos_template_keeps_its_own_greeting_and_closing_only(compose):
    text, html = compose(demo.TEXT_TEMPLATES["Eingangsbestätigung"])
    assert GREETINGS.findall(text) == ["Guten Tag"]
    assert CLOSINGS.findall(text) == ["Mit freundlichen Grüßen"]
    assert "Hello" not in html and "Kind regards" not in html
    for hours in demo.MITTE["office_hours"].splitlines():
        assert hours in text.splitlines()
