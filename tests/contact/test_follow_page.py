"""The follow page shows the citizen their messages and our sent answers; never internal
notes, hidden or removed text, or an answer still waiting for a colleague's approval."""

import pytest

from rathaus.contact import follow, submitting
from rathaus.inbox import work
from rathaus.inbox.models import Message, ReplyReviewer
from rathaus.lib import spam


@pytest.fixture
def conversation(office):
    message, _new = submitting.ask(
        office,
        nonce_id=spam.nonce_id(spam.new_nonce()),
        text="Wann wird der Spielplatz repariert?",
        name="Anna",
    )
    return message.conversation


def _page(client, conversation):
    return client.get(follow.path(conversation))


def test_it_shows_the_question_and_the_answer(
    english, conversation, office_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        work.reply(conversation, "Ab Montag wird gebaut.", by=office_admin)
    response = _page(english, conversation)
    assert response.status_code == 200
    assert "Wann wird der Spielplatz repariert?" in response.text
    assert "Ab Montag wird gebaut." in response.text
    assert conversation.reference in response.text
    assert "Answered" in response.text
    assert response.text.index("Spielplatz") < response.text.index("Ab Montag")


def test_it_is_personal_never_cached_nor_indexed_and_sets_no_cookie(client, conversation):
    response = _page(client, conversation)
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex">' in response.text
    assert not response.cookies


def test_notes_are_never_shown(client, conversation, agent):
    work.add_note(conversation, "Intern: Bauhof fragen, Anna ist bekannt.", by=agent)
    assert "Bauhof fragen" not in _page(client, conversation).text


def test_an_answer_waiting_for_approval_is_not_shown_until_approved(
    client, conversation, agent, office_admin, django_capture_on_commit_callbacks
):
    ReplyReviewer.objects.create(office=conversation.office, user=agent)
    answer = work.reply(conversation, "Entwurf einer Antwort", by=agent)
    assert "Entwurf einer Antwort" not in _page(client, conversation).text
    with django_capture_on_commit_callbacks(execute=True):
        work.approve_reply(answer, by=office_admin)
    assert "Entwurf einer Antwort" in _page(client, conversation).text


def test_hidden_and_removed_text_is_not_shown(client, conversation, agent):
    message = conversation.messages.get()
    work.moderate(message, "hide", reason="Beleidigung", by=agent)
    text = _page(client, conversation).text
    assert "Spielplatz repariert" not in text
    assert "Beleidigung" not in text
    work.moderate(message, "unhide", reason="", by=agent)
    assert "Spielplatz repariert" in _page(client, conversation).text
    Message.objects.filter(pk=message.pk).update(removed_at=message.received_at)
    assert "Spielplatz repariert" not in _page(client, conversation).text


def test_an_anonymised_conversation_shows_no_texts_and_takes_no_more(english, conversation):
    conversation.anonymised_at = conversation.created_at
    conversation.save()
    response = _page(english, conversation)
    assert response.status_code == 200
    assert "personal data deleted" in response.text
    assert "Spielplatz" not in response.text
    assert 'name="message"' not in response.text
