"""A citizen writes through the contact form: a conversation with a reference number, a
thank-you page with the follow link, and a confirmation mail whose link opens it."""

import re

from django.core import mail

from rathaus.inbox.models import Conversation, Message
from rathaus.lib import spam


def _send(client, **fields):
    data = {
        "message": "Die Laterne in der Lindenallee 4 ist seit Tagen aus.",
        "nonce": spam.new_nonce(),
    }
    return client.post("/mitte/kontakt/", data | fields)


def test_it_opens_a_conversation_with_a_reference(english, office):
    response = _send(english, name="Anna Anwohnerin", email="anna@example.org")
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.office == office
    assert conversation.channel == "contact"
    assert not conversation.is_public
    assert conversation.citizen_name == "Anna Anwohnerin"
    assert conversation.citizen_email == "anna@example.org"
    assert conversation.subject.startswith("Die Laterne in der Lindenallee")
    message = conversation.messages.get()
    assert message.remote_id.startswith("contact:")
    assert message.text_html == "<p>Die Laterne in der Lindenallee 4 ist seit Tagen aus.</p>"
    assert conversation.reference in response.text
    assert "Thank you for your message" in response.text


def test_the_answer_is_personal_and_never_cached(client, office):
    response = _send(client)
    assert not response.cookies
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control


def test_the_confirmation_mail_carries_the_reference_and_a_working_link(english, office, settings):
    settings.DEFAULT_FROM_EMAIL = "presse@mitte.example"
    _send(english, email="anna@example.org")
    conversation = Conversation.objects.get()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["anna@example.org"]
    assert sent.from_email == "presse@mitte.example"
    assert conversation.reference in sent.subject
    assert conversation.reference in sent.body
    link = re.search(r"https://presse\.mitte\.example(/mitte/anfrage/\S+/)", sent.body).group(1)
    page = english.get(link)
    assert page.status_code == 200
    assert "Die Laterne in der Lindenallee 4" in page.text
    assert conversation.reference in page.text


def test_the_thank_you_page_shows_the_follow_link_also_without_email(english, office):
    response = _send(english)
    assert mail.outbox == []
    link = re.search(
        r'class="follow-link" href="(/mitte/anfrage/[^"]+)">https://presse\.mitte\.example\1<',
        response.text,
    )
    assert english.get(link.group(1)).status_code == 200


def test_the_same_form_sent_twice_is_one_conversation(client, office):
    nonce = spam.new_nonce()
    first = _send(client, nonce=nonce, email="anna@example.org")
    second = _send(client, nonce=nonce, email="anna@example.org")
    assert first.status_code == second.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 1
    assert conversation.reference in second.text
    assert len(mail.outbox) == 1


def test_a_replayed_form_with_other_words_is_refused(english, office):
    nonce = spam.new_nonce()
    _send(english, nonce=nonce)
    response = _send(english, nonce=nonce, message="Ganz andere Worte unter fremder Nummer.")
    assert response.status_code == 400
    assert "This form was already sent once" in response.text
    assert "Ganz andere Worte unter fremder Nummer." in response.text  # nothing is lost
    conversation = Conversation.objects.get()
    assert conversation.reference not in response.text
    assert Message.objects.count() == 1


def test_a_mail_server_that_is_down_loses_nothing(english, office, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = _send(english, email="anna@example.org")
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.reference in response.text
    assert 'class="follow-link"' in response.text
