"""Mentions and replies on X come into the inbox: GET /2/users/:id/mentions since the
account's cursor (X's newest_id), each once, as a public message linked to the post it
answers, with X's t.co links expanded; the account's own posts are not citizens' words."""

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Message


def test_replies_and_mentions_arrive_once_and_the_cursor_advances(
    connected_account, fake, publish_post
):
    post = publish_post(title="Sperrung", body="Die Lindenallee ist ab Montag gesperrt.")
    ours = Delivery.objects.get(channel=connected_account.channel_key).remote_id
    reply = fake.reply("Wie lange denn?", to=ours)
    mention = fake.mention("Gilt das auch für Räder? Karte: https://karte.example/linden & mehr")
    own = fake.mention("Wir informieren morgen.", author="1")  # the office's own post

    assert fetching.fetch(connected_account) == 2

    connected_account.refresh_from_db()
    answer = Message.objects.get(remote_id=reply)
    question = Message.objects.get(remote_id=mention)
    assert connected_account.cursor == own  # the newest, even if it is not a citizen's
    assert answer.conversation.post == post
    assert answer.in_reply_to == ours
    assert answer.is_public and answer.conversation.is_public
    assert (answer.author_name, answer.author_handle) == ("Anna Anwohnerin", "@anna_a")
    assert answer.author_url == "https://x.com/anna_a"
    assert answer.url == f"https://x.com/anna_a/status/{reply}"
    assert answer.text_html == "<p>Wie lange denn?</p>"
    assert question.conversation.post is None
    assert 'href="https://karte.example/linden"' in question.text_html
    assert "t.co" not in question.text_html
    assert "&amp; mehr" in question.text_html
    assert Message.objects.filter(channel=connected_account.channel_key).count() == 2

    assert fetching.fetch(connected_account) == 0
    later = fake.reply("Danke!", to=reply, author="900")
    assert fetching.fetch(connected_account) == 1

    calls = fake.calls("GET", r"^/2/users/1/mentions$")
    assert "since_id" not in calls[0].query
    assert calls[1].query["since_id"] == [own]
    assert calls[2].query["since_id"] == [own]
    assert "author_id" in calls[0].query["expansions"][0]
    connected_account.refresh_from_db()
    assert connected_account.cursor == later
    # Anna's "Danke!" answers her own reply: same conversation.
    assert Message.objects.get(remote_id=later).conversation == answer.conversation


def test_fetching_from_the_start_again_stores_nothing_twice(connected_account, fake, publish_post):
    publish_post(title="Sperrung", body="Die Lindenallee ist ab Montag gesperrt.")
    ours = Delivery.objects.get(channel=connected_account.channel_key).remote_id
    fake.reply("Wie lange denn?", to=ours)
    assert fetching.fetch(connected_account) == 1

    connected_account.cursor = ""
    connected_account.save()

    assert fetching.fetch(connected_account) == 0
    assert Message.objects.filter(channel=connected_account.channel_key).count() == 1


def test_a_reply_to_a_later_part_of_a_thread_is_linked_to_the_post(
    connected_account, fake, publish_post
):
    body = " ".join(f"Satz {n}: Die Lindenallee wird gesperrt, auch für Räder." for n in range(12))
    post = publish_post(title="Sperrung", body=body)
    parts = Delivery.objects.get(channel=connected_account.channel_key).remote_parts
    deeper = fake.reply("Auch nachts?", to=fake.reply("Ab wann?", to=parts[0]["id"]))
    fake.reply("Und der Bus?", to=parts[-1]["id"])

    assert fetching.fetch(connected_account) == 3

    assert Message.objects.get(remote_id=deeper).conversation.post == post
    assert {m.conversation.post for m in Message.objects.all()} == {post}


def test_many_new_mentions_are_read_page_by_page(connected_account, fake):
    first = fake.mention("Hallo")
    connected_account.cursor = first
    connected_account.save()
    for n in range(130):
        fake.mention(f"Frage {n}")

    assert fetching.fetch(connected_account) == 130

    pages = fake.calls("GET", r"^/2/users/1/mentions$")
    assert len(pages) == 2
    assert "pagination_token" in pages[1].query
