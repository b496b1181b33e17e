"""Citizens write to the office by mentioning it: fetching reads the "mention"
notifications into the inbox, each status once, and goes on from the newest one next time.
A reply to one of our posts is linked to that post; a direct message is a private question."""

from rathaus.connectors.models import ConnectedAccount
from rathaus.inbox.models import Conversation, Message
from tests.helpers import fetch_account


def _cursor(account) -> str:
    return ConnectedAccount.objects.get(pk=account.pk).cursor


def test_it_fetches_mentions_into_the_inbox_once(connected_account, fake):
    first = fake.mention("Wann wird die Lindenallee wieder geöffnet?")
    second = fake.mention(
        "Der Spielplatz ist kaputt.", by=fake.citizen("nachbar", "social.example")
    )

    assert fetch_account(connected_account) == 2
    assert fetch_account(connected_account) == 0

    messages = {
        m.remote_id: m for m in Message.objects.filter(channel=connected_account.channel_key)
    }
    assert set(messages) == {first.id, second.id}
    question = messages[first.id]
    assert "Wann wird die Lindenallee wieder geöffnet?" in question.text_html
    assert question.author_name == "Anwohnerin"
    assert question.author_handle == "@anwohnerin@other.example"
    assert question.author_url == "https://other.example/@anwohnerin"
    assert question.url == f"https://other.example/@anwohnerin/{first.id}"
    assert question.is_public
    assert messages[second.id].author_handle == "@nachbar@social.example"
    newest = max(int(n["id"]) for n in fake.notifications)
    assert _cursor(connected_account) == str(newest)
    last = fake.calls("GET", r"^/api/v1/notifications$")[-1]
    assert last.query["min_id"] == [str(newest)]
    assert last.query["types[]"] == ["mention"]


def test_a_reply_to_our_post_is_linked_to_the_post(connected_account, fake, publish_post):
    post = publish_post(title="Baum", body="Zwei Linden werden gefällt.")
    [ours] = fake.posted()

    fake.mention("Warum gerade diese Linden?", in_reply_to=ours.id)
    fetch_account(connected_account)

    message = Message.objects.get(channel=connected_account.channel_key)
    assert message.in_reply_to == ours.id
    assert message.conversation.post == post


def test_a_direct_message_is_a_private_question(connected_account, fake):
    fake.mention("Meine Adresse ist Lindenallee 4.", visibility="direct")

    fetch_account(connected_account)

    conversation = Conversation.objects.get(channel=connected_account.channel_key)
    assert not conversation.is_public
    assert not conversation.messages.get().is_public


def test_other_notifications_are_no_messages(connected_account, fake):
    fake.notify("favourite", by=fake.citizen(), status=None)
    fake.notify("follow", by=fake.citizen("neu"))

    assert fetch_account(connected_account) == 0
    assert not Message.objects.exists()


def test_more_mentions_than_one_page_arrive_without_a_gap(connected_account, fake):
    fake.mention("Vor dem Verbinden")
    fetch_account(connected_account)
    mentions = [fake.mention(f"Frage {n}") for n in range(95)]

    assert fetch_account(connected_account) == 95

    stored = set(Message.objects.values_list("remote_id", flat=True))
    assert {m.id for m in mentions} < stored


def test_the_first_fetch_reads_the_recent_mentions_of_a_new_account(connected_account, fake):
    mentions = [fake.mention(f"Frage {n}") for n in range(95)]

    assert fetch_account(connected_account) == 95

    assert set(Message.objects.values_list("remote_id", flat=True)) == {m.id for m in mentions}
    assert _cursor(connected_account) == max(n["id"] for n in fake.notifications)


def test_an_account_being_fetched_is_not_fetched_again_at_the_same_time(connected_account, fake):
    from rathaus.connectors.background import FETCH
    from rathaus.jobs import engine

    fake.mention("Wann wird die Lindenallee wieder geöffnet?")
    (other,) = engine.claim(FETCH, ids=[connected_account.pk])  # another run is at it
    assert fetch_account(connected_account) == 0
    assert not fake.calls("GET", r"/notifications")
    engine.settle(FETCH, [engine.done(other)])
    assert fetch_account(connected_account) == 1
