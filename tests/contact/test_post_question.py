"""“Frage zu dieser Meldung”: the question is linked to the post it asks about."""

from rathaus.inbox.models import Conversation
from rathaus.lib import spam


def test_the_conversation_is_linked_to_the_post(client, published):
    response = client.post(
        f"/mitte/meldungen/{published.pk}/frage/",
        {"message": "Werden neue Linden gepflanzt?", "nonce": spam.new_nonce()},
    )
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.post == published
    assert conversation.category == published.category
    assert conversation.reference in response.text


def test_the_general_form_links_no_post(client, published):
    client.post("/mitte/kontakt/", {"message": "Allgemeine Frage", "nonce": spam.new_nonce()})
    assert Conversation.objects.get().post is None
