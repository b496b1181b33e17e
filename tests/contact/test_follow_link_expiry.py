"""The follow link works for 90 days; an expired link says so (410) and how to get in
touch, a changed or made-up one is 404, and neither shows anything of the conversation."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from rathaus.contact import follow, submitting
from rathaus.lib import spam


@pytest.fixture
def conversation(office):
    message, _new = submitting.ask(
        office, nonce_id=spam.nonce_id(spam.new_nonce()), text="Wo ist das Fundbüro?"
    )
    return message.conversation


def test_the_link_works_for_89_days(english, conversation):
    path = follow.path(conversation)
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        assert english.get(path).status_code == 200


def test_an_expired_link_answers_410_and_points_to_the_contact_form(english, conversation):
    path = follow.path(conversation)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = english.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert 'href="/mitte/kontakt/"' in response.text
    assert "Fundbüro" not in response.text
    assert conversation.reference not in response.text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:10],
        lambda token: "kein-token",
    ],
    ids=["last-character", "cut-off", "made-up"],
)
def test_a_changed_link_answers_404(english, conversation, change):
    token = follow.token(conversation)
    response = english.get(f"/mitte/anfrage/{change(token)}/")
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert "Fundbüro" not in response.text


def test_a_token_for_another_conversation_number_is_refused(english, conversation):
    forged = signing.dumps([conversation.pk + 1, conversation.reference], salt="wrong-salt")
    assert english.get(f"/mitte/anfrage/{forged}/").status_code == 404


def test_a_token_signed_for_something_else_is_refused(english, conversation):
    other_use = spam.new_nonce()  # signed by us, but for the form
    assert english.get(f"/mitte/anfrage/{other_use}/").status_code == 404


def test_a_conversation_from_another_channel_has_no_follow_page(english, conversation):
    conversation.channel = "email"
    conversation.save()
    assert english.get(follow.path(conversation)).status_code == 404


def test_a_follow_up_through_an_expired_link_stores_nothing(english, conversation):
    path = follow.path(conversation)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = english.post(path, {"message": "Noch da?", "nonce": spam.new_nonce()})
    assert response.status_code == 410
    assert conversation.messages.count() == 1
