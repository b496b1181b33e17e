"""A follow link of one office never opens a conversation under another office's address,
and the follow-up cannot be written there either."""

from rathaus.contact import follow, submitting
from rathaus.inbox.models import Conversation
from rathaus.lib import spam


def _conversation(office):
    message, _new = submitting.ask(
        office, nonce_id=spam.nonce_id(spam.new_nonce()), text="Vertraulich: mein Anliegen"
    )
    return message.conversation


def test_a_token_of_office_a_does_not_open_under_office_b(client, office, other_office):
    conversation = _conversation(office)
    token = follow.token(conversation)
    assert client.get(f"/mitte/anfrage/{token}/").status_code == 200
    response = client.get(f"/nord/anfrage/{token}/")
    assert response.status_code == 404
    assert "Vertraulich" not in response.text
    assert conversation.reference not in response.text


def test_a_follow_up_under_office_b_is_not_stored(client, office, other_office):
    conversation = _conversation(office)
    token = follow.token(conversation)
    response = client.post(
        f"/nord/anfrage/{token}/", {"message": "Einschleusen", "nonce": spam.new_nonce()}
    )
    assert response.status_code == 404
    assert conversation.messages.count() == 1
    assert not Conversation.objects.filter(office=other_office).exists()


def test_each_office_gets_its_own_conversations(client, office, other_office):
    client.post("/nord/kontakt/", {"message": "An Nord", "nonce": spam.new_nonce()})
    client.post("/mitte/kontakt/", {"message": "An Mitte", "nonce": spam.new_nonce()})
    assert Conversation.objects.get(office=other_office).subject == "An Nord"
    assert Conversation.objects.get(office=office).subject == "An Mitte"
