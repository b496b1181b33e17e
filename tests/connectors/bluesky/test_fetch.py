"""Replies, mentions and quotes from Bluesky's notifications come into the inbox once,
linked to our post; likes and our own posts do not."""

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Message


@pytest.fixture
def ours(fake, connect_account, publish_post):
    """The account and the post it published on the fake, with its record."""
    account = fake.connect(connect_account)
    post = publish_post(title="Sperrung", body="Die Brücke ist ab Montag gesperrt.")
    delivery = Delivery.objects.get(post=post, channel=account.channel_key)
    return account, post, fake.record(delivery.remote_id)


def test_it_fetches_replies_mentions_and_quotes(fake, ours):
    account, post, record = ours
    reply = fake.citizen_post(
        "Wie lange dauert das? Infos: https://example.org/brücke", reply_to=record.uri
    )
    mention = fake.citizen_post("kennt ihr die Umleitung?", mention=fake.owner)
    quote = fake.citizen_post("Endlich!", quote=record.uri)
    fake.like(record.uri)

    assert fetching.fetch(account) == 3

    messages = {m.remote_id: m for m in Message.objects.filter(channel=account.channel_key)}
    assert set(messages) == {reply.uri, mention.uri, quote.uri}
    answer = messages[reply.uri]
    assert answer.in_reply_to == record.uri
    assert answer.conversation.post == post
    assert answer.is_public and answer.conversation.is_public
    assert answer.author_name == "Anna Anwohnerin"
    assert answer.author_handle == "@anna.bsky.social"
    assert answer.author_url == "https://bsky.app/profile/anna.bsky.social"
    assert answer.url == f"https://bsky.app/profile/anna.bsky.social/post/{reply.rkey}"
    assert "Wie lange dauert das?" in answer.text_html
    assert messages[quote.uri].conversation.post == post
    assert messages[mention.uri].conversation.post is None
    profile = f"https://bsky.app/profile/{fake.owner.did}"
    assert messages[mention.uri].text_html.startswith(f'<p><a href="{profile}"')


def test_links_in_a_reply_stay_links(fake, ours):
    account, _post, record = ours
    text = "Grüße! Mehr unter https://example.org/brücke und so."
    facet = {"byteStart": text.encode().index(b"https"), "byteEnd": text.encode().index(b" und")}
    reply = fake.citizen_post(text, reply_to=record.uri)
    reply.value["facets"] = [
        {
            "index": facet,
            "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/br%C3%BCcke"}
            ],
        }
    ]

    fetching.fetch(account)

    message = Message.objects.get(remote_id=reply.uri)
    assert '<a href="https://example.org/br%C3%BCcke"' in message.text_html
    assert ">https://example.org/brücke</a> und so." in message.text_html


def test_it_pages_back_only_until_what_it_has_seen(fake, ours):
    account, _post, record = ours
    for number in range(120):
        fake.citizen_post(f"Frage {number}", reply_to=record.uri)

    assert fetching.fetch(account) == 120
    assert len(fake.calls("GET", r"listNotifications$")) == 3  # 50 + 50 + 20

    fake.citizen_post("Noch eine Frage", reply_to=record.uri)
    account.refresh_from_db()
    assert fetching.fetch(account) == 1
    assert len(fake.calls("GET", r"listNotifications$")) == 4


def test_a_reply_in_a_citizens_thread_joins_its_conversation(fake, ours):
    account, _post, record = ours
    question = fake.citizen_post("Wie lange?", reply_to=record.uri)
    fetching.fetch(account)
    follow_up = fake.citizen_post("Und wo ist die Umleitung?", reply_to=question.uri)

    fetching.fetch(account)

    first, second = (Message.objects.get(remote_id=r.uri) for r in (question, follow_up))
    assert second.in_reply_to == question.uri
    assert second.conversation == first.conversation
