"""Issue 10, item 9: the contact form must not let anyone make the office mail their text to
any address. The mails that go to an address typed on the form (the confirmation at once,
our answer later) carry no text the submitter typed: only the office's fixed text, the
reference number, the follow link and what the office wrote. The name is one short line.
"""

import pytest
from django.core import mail

from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from rathaus.lib import spam

VICTIM = "victim@example.net"
SPAM_URL = "https://cheap-pills.example/buy"
SPAM_NAME = f"Gewinn 1000 EUR {SPAM_URL}"
SPAM_TEXT = f"Herzlichen Glückwunsch, Sie haben gewonnen! Jetzt abholen: {SPAM_URL}/now"


def _send(client, **fields):
    data = {"message": SPAM_TEXT, "nonce": spam.new_nonce(), "email": VICTIM}
    return client.post("/mitte/kontakt/", data | fields, HTTP_ACCEPT_LANGUAGE="en")


def _everything(sent) -> str:
    """Subject, body, every header and every alternative of a sent mail, as one text."""
    message = sent.message()
    parts = [sent.subject, sent.body, message.as_string()]
    parts += [content for content, _type in getattr(sent, "alternatives", [])]
    return "\n".join(str(part) for part in parts)


def test_the_confirmation_echoes_nothing_the_submitter_typed(client, office):
    response = _send(client, name=SPAM_NAME)
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.citizen_name == SPAM_NAME  # kept for the desk, never mailed
    [sent] = mail.outbox
    assert sent.to == [VICTIM]
    text = _everything(sent)
    for typed in (SPAM_URL, "Gewinn", "Glückwunsch", "gewonnen", "abholen", "1000 EUR"):
        assert typed not in text
    assert conversation.reference in sent.subject
    assert conversation.reference in sent.body
    assert "/mitte/anfrage/" in sent.body  # the follow link


@pytest.mark.parametrize(
    "name",
    [
        "Anna\nBitte besuchen Sie https://cheap-pills.example",
        "Anna\r\nBcc: everyone@example.net",
        "Anna\u2028Zeile zwei",
        "Anna\tTab",
        "Anna\u202eetihw",  # a bidi override turns the text around
        "A" * 101,
    ],
)
def test_a_name_of_several_lines_control_characters_or_length_is_a_form_error(client, office, name):
    response = _send(client, name=name)
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert response.context["form"]["message"].value() == SPAM_TEXT  # nothing lost
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_hundred_characters_on_one_line_are_a_name(client, office):
    assert _send(client, name="Anna-Lena " + "B" * 90).status_code == 200
    assert Conversation.objects.get().citizen_name == "Anna-Lena " + "B" * 90


def test_the_answer_mail_carries_the_offices_words_but_not_the_submitters(
    client, office, office_admin, django_capture_on_commit_callbacks
):
    _send(client, name=SPAM_NAME)
    conversation = Conversation.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        work.reply(conversation, "Wir können Ihnen leider nicht helfen.", by=office_admin)
    [sent] = mail.outbox
    assert sent.to == [VICTIM]
    text = _everything(sent)
    assert "Wir können Ihnen leider nicht helfen." in sent.body
    for typed in (SPAM_URL, "Gewinn", "Glückwunsch", "gewonnen", "1000 EUR"):
        assert typed not in text
    assert f"[#{conversation.reference}]" in sent.subject  # a reply by mail still threads
