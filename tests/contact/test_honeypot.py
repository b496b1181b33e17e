"""A filled-in honeypot stores nothing. We answer 400 with the form and the text kept and a
clear message, rather than a fake success: a person whose browser filled the field by
mistake loses nothing, and a bot gains no reference number."""

from rathaus.inbox.models import Conversation, Message
from rathaus.lib import spam


def test_a_filled_honeypot_stores_nothing(client, office):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/mitte/kontakt/",
        {
            "message": "Billige Uhren hier",
            "email": "bot@spam.example",
            "website": "https://spam.example",
            "nonce": spam.new_nonce(),
        },
    )
    assert response.status_code == 400
    assert "Leave this field empty" in response.text
    assert "Billige Uhren hier" in response.text
    assert 'value="https://spam.example"' not in response.text
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def test_an_empty_honeypot_lets_the_message_through(client, office):
    response = client.post(
        "/mitte/kontakt/", {"message": "Hallo", "website": "", "nonce": spam.new_nonce()}
    )
    assert response.status_code == 200
    assert Conversation.objects.count() == 1
