"""Replies and mentions from the Fediverse become conversations in the citizen inbox,
threaded by inReplyTo; edits and deletions by their author change what we hold."""

import pytest

from rathaus.inbox.models import Conversation, Message
from tests.helpers import CITIZEN

ACTOR = "http://rathaus.example/ap/presse"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


pytestmark = pytest.mark.usefixtures("federation_over_http")


def _create(number, *, in_reply_to=None, content="<p>Wann wird gefällt?</p>", to=None, tag=()):
    note = {
        "id": f"{CITIZEN}/statuses/{number}",
        "type": "Note",
        "attributedTo": CITIZEN,
        "inReplyTo": in_reply_to,
        "content": content,
        "url": f"https://social.example/@anna/{number}",
        "to": to if to is not None else [PUBLIC],
        "cc": [f"{CITIZEN}/followers", ACTOR],
        "tag": list(tag),
    }
    return {
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": CITIZEN,
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def test_a_reply_to_a_post_opens_a_conversation_about_that_post(
    deliver, citizen, account, published
):
    note_url = f"{ACTOR}/notes/{published.pk}"
    assert deliver("/ap/inbox", _create(1, in_reply_to=note_url)).status_code == 202
    conversation = Conversation.objects.get()
    assert conversation.office == account.office
    assert conversation.post == published
    assert conversation.channel == "fediverse"
    assert conversation.is_public
    message = conversation.messages.get()
    assert message.author_handle == "@anna@social.example"
    assert message.in_reply_to == note_url
    assert "Wann wird gefällt?" in message.text_html


def test_a_mention_without_a_post_opens_a_conversation(deliver, citizen, account):
    mention = {"type": "Mention", "href": ACTOR, "name": "@presse@rathaus.example"}
    deliver("/ap/inbox", _create(1, to=[ACTOR], tag=[mention]))
    conversation = Conversation.objects.get()
    assert conversation.post is None
    assert not conversation.is_public  # addressed to us alone: a direct message


def test_the_same_note_delivered_twice_is_stored_once(deliver, citizen, account):
    deliver("/ap/inbox", _create(1))
    deliver("/ap/presse/inbox", _create(1))
    assert Message.objects.count() == 1


def test_an_answer_in_the_thread_joins_the_conversation(deliver, citizen, account):
    deliver("/ap/inbox", _create(1))
    deliver("/ap/inbox", _create(2, in_reply_to=f"{CITIZEN}/statuses/1"))
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 2


def test_a_note_for_nobody_here_is_not_kept(deliver, citizen, account):
    create = _create(1)
    create["object"]["cc"] = [f"{CITIZEN}/followers"]
    assert deliver("/ap/inbox", create).status_code == 202
    assert not Message.objects.exists()


def test_script_and_markup_in_a_reply_are_removed(deliver, citizen, account):
    hostile = '<p onclick="x()">Hallo<script>alert(1)</script><img src=x onerror=y></p>'
    deliver("/ap/inbox", _create(1, content=hostile))
    html = Message.objects.get().text_html
    assert "Hallo" in html
    for bad in ("script", "onclick", "onerror", "<img"):
        assert bad not in html


def test_an_update_by_the_author_edits_the_reply(deliver, citizen, account):
    deliver("/ap/inbox", _create(1))
    note = _create(1, content="<p>Korrigiert: wann genau?</p>")["object"]
    update = {"id": f"{note['id']}#u1", "type": "Update", "actor": CITIZEN, "object": note}
    deliver("/ap/inbox", update)
    message = Message.objects.get()
    assert "Korrigiert" in message.text_html
    assert message.edited_at is not None


def test_a_delete_by_the_author_removes_the_text(deliver, citizen, account):
    deliver("/ap/inbox", _create(1))
    tombstone = {"id": f"{CITIZEN}/statuses/1", "type": "Tombstone"}
    deliver("/ap/inbox", {"id": "d1", "type": "Delete", "actor": CITIZEN, "object": tombstone})
    message = Message.objects.get()
    assert message.text_html == ""
    assert message.removed_at is not None


def test_a_deleted_account_takes_its_messages_and_follows_along(deliver, citizen, account):
    deliver("/ap/inbox", _create(1))
    deliver("/ap/inbox", {"id": "d", "type": "Delete", "actor": CITIZEN, "object": CITIZEN})
    message = Message.objects.get()
    assert message.text_html == "" and message.author_name == ""
    from rathaus.federation.models import RemoteActor

    assert not RemoteActor.objects.filter(uri=CITIZEN).exists()


def test_a_note_attributed_to_someone_else_is_refused(deliver, citizen, account):
    create = _create(1)
    create["object"]["attributedTo"] = "https://social.example/users/bert"
    assert deliver("/ap/inbox", create).status_code == 401
    assert not Message.objects.exists()
