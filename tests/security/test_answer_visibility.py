"""An answer reaches the citizen the way the agent chose and from where the citizen wrote:

- from the Fediverse account the citizen wrote to, not the office's first one (issue 10,
  item 19: a direct message to @presse was answered by @baumschutz);
- never more publicly than chosen: every channel declares which kinds of answer it can
  really deliver, the desk offers only those, ``inbox.work.reply`` refuses the others
  before anything is sent, and a channel refuses at sending time rather than go public
  (item 22: a "direct" answer on Bluesky was a public reply with the reference number).
"""

import pytest

from rathaus.federation import activities
from rathaus.federation.models import Account, Activity
from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from tests.helpers import CITIZEN, log_in

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
BASE = "http://rathaus.example/ap"


pytestmark = pytest.mark.usefixtures("federation_over_http")


@pytest.fixture
def two_accounts(account):
    # "baumschutz" sorts before "presse": picking the first account would pick it.
    other = Account.objects.create(
        office=account.office, username="baumschutz", display_name="Baumschutz"
    )
    return account, other


@pytest.fixture
def answer_with(django_capture_on_commit_callbacks):
    def send(conversation, text, *, public, by):
        with django_capture_on_commit_callbacks(execute=True):
            answer = work.reply(conversation, text, public=public, by=by)
        answer.refresh_from_db()
        return answer

    return send


def _note(number: int, *, to: list[str], mention: str = "", in_reply_to=None) -> dict:
    note = {
        "id": f"{CITIZEN}/statuses/{number}",
        "type": "Note",
        "attributedTo": CITIZEN,
        "inReplyTo": in_reply_to,
        "content": "<p>Wann wird die Linde gefällt?</p>",
        "to": to,
        "cc": [],
        "tag": [{"type": "Mention", "href": mention, "name": "@x"}] if mention else [],
    }
    return {"id": f"{note['id']}/activity", "type": "Create", "actor": CITIZEN, "object": note}


def _answering_actor() -> str:
    return Activity.objects.get(kind=activities.REPLY).body["actor"]


@pytest.mark.parametrize("inbox", ["/ap/inbox", "/ap/presse/inbox"])
def test_a_direct_message_to_presse_is_answered_by_presse(
    inbox, two_accounts, deliver, citizen, agent, answer_with
):
    presse = f"{BASE}/presse"
    assert deliver(inbox, _note(1, to=[presse], mention=presse)).status_code == 202
    conversation = Conversation.objects.get()
    answer_with(conversation, "Am Montag.", public=False, by=agent)
    assert _answering_actor() == presse


def test_a_message_to_baumschutz_is_answered_by_baumschutz(
    two_accounts, deliver, citizen, agent, answer_with
):
    # The other way round too: the addressee decides, not the order.
    tree = f"{BASE}/baumschutz"
    deliver("/ap/inbox", _note(1, to=[tree], mention=tree))
    answer_with(Conversation.objects.get(), "Am Montag.", public=False, by=agent)
    assert _answering_actor() == tree


def test_a_reply_to_a_post_of_presse_is_answered_by_presse(
    two_accounts, deliver, citizen, agent, answer_with, published
):
    presse = f"{BASE}/presse"
    note_url = f"{presse}/notes/{published.pk}"
    deliver("/ap/inbox", _note(1, to=[PUBLIC], in_reply_to=note_url, mention=presse))
    answer_with(Conversation.objects.get(), "Am Montag.", public=True, by=agent)
    assert _answering_actor() == presse


def test_the_citizens_next_message_in_the_thread_is_answered_by_the_same_account(
    two_accounts, deliver, citizen, agent, answer_with
):
    presse = f"{BASE}/presse"
    deliver("/ap/inbox", _note(1, to=[presse], mention=presse))
    conversation = Conversation.objects.get()
    first = answer_with(conversation, "Am Montag.", public=False, by=agent)
    # The follow-up replies to our answer and names nobody else.
    deliver("/ap/inbox", _note(2, to=[presse], in_reply_to=first.remote_id))
    Activity.objects.filter(kind=activities.REPLY).delete()
    answer_with(conversation, "Gern.", public=False, by=agent)
    assert _answering_actor() == presse


# ----- item 22: each channel delivers only the kinds of answer it declares ---------------

from django.urls import reverse  # noqa: E402

from rathaus.connectors import fetching  # noqa: E402
from rathaus.connectors.models import ConnectedAccount  # noqa: E402
from rathaus.delivery import channels  # noqa: E402
from rathaus.delivery.models import Delivery  # noqa: E402
from rathaus.inbox import inbound  # noqa: E402
from rathaus.inbox.models import Message  # noqa: E402
from rathaus.offices.access import LifecycleError  # noqa: E402
from tests.fakes.bluesky import FakeBluesky  # noqa: E402
from tests.fakes.server import serving  # noqa: E402

BOTH = {channels.PUBLIC, channels.DIRECT}
# What each platform really delivers (README "Platform connectors"): Bluesky's API here
# has no private messages, X's connector sends none, comments are public, Telegram's bot
# chats are private, mail and the contact form reach the citizen alone.
DECLARED = {
    "mastodon": BOTH,
    "bluesky": {channels.PUBLIC},
    "x": {channels.PUBLIC},
    "facebook": {channels.PUBLIC},
    "instagram": {channels.PUBLIC},
    "linkedin": {channels.PUBLIC},
    "telegram": {channels.DIRECT},
    "xing": set(),
    "fediverse": BOTH,
    "email": {channels.DIRECT},
    "contact": {channels.DIRECT},
    "newsroom": set(),
}


def _channel_key(name: str, office) -> str:
    if name in {"fediverse", "email", "contact", "newsroom"}:
        return name
    account = ConnectedAccount.objects.create(
        office=office, platform=name, name=name, remote_id="1", api_base="https://127.0.0.9"
    )
    return account.channel_key


def _question(office, key: str, *, public: bool) -> Conversation:
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=key,
            remote_id=f"{key}:q1",
            text_html="<p>Frage</p>",
            author_handle="@anna@social.example",
            is_public=public,
        )
    )
    return message.conversation


def test_every_reply_channel_declares_what_it_delivers():
    # A channel that answers citizens must say how; the table above must know it.
    for key in ("fediverse", "email", "contact", "newsroom"):
        channel = channels.get(key)
        assert set(channel.answers) == DECLARED[key], key
        assert bool(channel.answers) == isinstance(channel, channels.Answers), key


@pytest.mark.parametrize("name", sorted(DECLARED))
@pytest.mark.parametrize("public", [True, False])
def test_the_desk_offers_exactly_what_the_channel_delivers(
    name, public, office, agent, client, account
):
    key = _channel_key(name, office)
    channel = channels.get(key)
    assert set(channel.answers) == DECLARED[name]
    assert bool(channel.answers) == isinstance(channel, channels.Answers)
    conversation = _question(office, key, public=public)
    expected = DECLARED[name] if public else DECLARED[name] - {channels.PUBLIC}
    assert set(channel.answer_kinds(conversation)) == expected

    log_in(client, agent)
    url = reverse("desk:conversation", args=[office.slug, conversation.pk])
    page = client.get(url).content.decode()
    offered = {
        kind for kind in ("public", "direct") if f'name="reply-visibility" value="{kind}"' in page
    }
    if channels.PUBLIC in expected:
        assert offered == expected  # a public conversation asks, with what is possible
    else:
        assert offered == set()  # nothing to choose: private, or no answer at all
    assert ('name="reply-text"' in page) == bool(expected)


@pytest.mark.parametrize("name", sorted(DECLARED))
@pytest.mark.parametrize("kind", ["public", "direct"])
def test_an_answer_the_channel_cannot_deliver_is_refused_before_any_delivery(
    name, kind, office, agent, account
):
    key = _channel_key(name, office)
    conversation = _question(office, key, public=True)
    deliverable = kind in channels.get(key).answer_kinds(conversation)
    if deliverable:
        pytest.skip("deliverable: the connectors' own tests send it")
    with pytest.raises(LifecycleError):
        work.reply(conversation, "Ihre Vorgangsnummer ist ABC", public=kind == "public", by=agent)
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert not Delivery.objects.exists()


def test_the_desk_refuses_a_forged_direct_choice_on_bluesky_with_a_clear_error(
    office, agent, client
):
    key = _channel_key("bluesky", office)
    conversation = _question(office, key, public=True)
    log_in(client, agent)
    url = reverse("desk:conversation_reply", args=[office.slug, conversation.pk])
    response = client.post(url, {"reply-text": "Nur für Sie", "reply-visibility": "direct"})
    assert response.status_code == 400
    assert "Nur für Sie" in response.content.decode()  # what was typed is kept
    assert not Delivery.objects.exists()


bluesky = serving(FakeBluesky)


@pytest.fixture
def bluesky_question(bluesky, connect_account, publish_post):
    account = bluesky.connect(connect_account)
    post = publish_post(title="Sperrung", body="Die Brücke ist ab Montag gesperrt.")
    ours = bluesky.record(Delivery.objects.get(post=post, channel=account.channel_key).remote_id)
    bluesky.citizen_post("Wie lange dauert das?", reply_to=ours.uri)
    fetching.fetch(account)
    return Conversation.objects.get(channel=account.channel_key)


def _replies(fake) -> list:
    return [r for r in fake.posts(fake.owner.did) if "reply" in r.value]


def test_a_direct_answer_on_bluesky_posts_nothing(
    bluesky, bluesky_question, agent, django_capture_on_commit_callbacks
):
    with pytest.raises(LifecycleError), django_capture_on_commit_callbacks(execute=True):
        work.reply(bluesky_question, "Ihre Vorgangsnummer ist ABC", public=False, by=agent)
    assert _replies(bluesky) == []


def test_a_direct_answer_that_reaches_bluesky_anyway_fails_instead_of_going_public(
    bluesky, bluesky_question, agent, django_capture_on_commit_callbacks, send_all
):
    # Written before channels declared their kinds (or by code that skipped the check):
    # the channel itself refuses at sending time.
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(bluesky_question, "Öffentlich erlaubt", public=True, by=agent)
    Delivery.objects.filter(message=answer).delete()
    Message.objects.filter(pk=answer.pk).update(is_public=False)
    before = len(_replies(bluesky))
    answer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = work._dispatch(answer)
    send_all()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert len(_replies(bluesky)) == before


def test_a_public_answer_on_bluesky_still_goes_out(
    bluesky, bluesky_question, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(bluesky_question, "Bis Oktober.", public=True, by=agent)
    assert Delivery.objects.get(message=answer).status == Delivery.Status.PUBLISHED
    assert [r.value["text"] for r in _replies(bluesky)] == ["Bis Oktober."]
