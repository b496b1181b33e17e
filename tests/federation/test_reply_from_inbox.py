"""An agent answers a citizen's Fediverse message from the inbox: a Note in reply to it,
addressed to the citizen alone or to everyone, as the agent chose, delivered like a post."""

import json

import pytest

from rathaus.federation import activities
from rathaus.federation.models import Activity, Follower, Outgoing, RemoteActor
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.access import LifecycleError
from tests.helpers import CITIZEN, ask

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


pytestmark = pytest.mark.usefixtures("federation_over_http")


@pytest.fixture
def question(office, account, citizen):
    return ask(
        office,
        "<p>Wann wird gefällt?</p>",
        channel="fediverse",
        remote_id=f"{CITIZEN}/statuses/1",
        author_name=citizen.name,
        author_handle=citizen.handle,
        author_url=citizen.uri,
        is_public=True,
    ).conversation


@pytest.fixture
def reply(django_capture_on_commit_callbacks):
    """work.reply, with the delivery's on-commit wake-up run as a real commit would."""

    def send(conversation, text, *, public, by):
        with django_capture_on_commit_callbacks(execute=True):
            answer = work.reply(conversation, text, public=public, by=by)
        answer.refresh_from_db()
        return answer

    return send


def _note() -> dict:
    return Activity.objects.get(kind=activities.REPLY).body["object"]


def test_a_direct_answer_is_addressed_to_the_citizen_alone(question, agent, citizen, reply):
    reply(question, "Am Montag ab 8 Uhr.", public=False, by=agent)
    note = _note()
    assert note["to"] == [CITIZEN]
    assert note["cc"] == []
    assert note["inReplyTo"] == f"{CITIZEN}/statuses/1"
    assert {"type": "Mention", "href": CITIZEN, "name": "@anna@social.example"} in note["tag"]
    assert "Am Montag ab 8 Uhr." in note["content"]
    assert list(Outgoing.objects.values_list("inbox", flat=True)) == [citizen.inbox]


def test_a_public_answer_also_reaches_the_followers(question, agent, citizen, account, reply):
    other = RemoteActor.objects.create(
        uri="https://other.example/users/x", domain="other.example", inbox="https://other.example/i"
    )
    Follower.objects.create(account=account, actor=other)
    reply(question, "Ab Montag.", public=True, by=agent)
    note = _note()
    assert note["to"] == [PUBLIC]
    assert CITIZEN in note["cc"]
    inboxes = set(Outgoing.objects.values_list("inbox", flat=True))
    assert inboxes == {citizen.inbox, "https://other.example/i"}


def test_the_answer_is_kept_in_the_conversation_and_a_reply_to_it_threads_there(
    question, agent, citizen, deliver, reply
):
    sent = reply(question, "Ab Montag.", public=False, by=agent)
    assert sent.direction == Message.Direction.OUTBOUND
    question.refresh_from_db()
    assert question.status == Conversation.Status.ANSWERED

    follow_up = {
        "id": f"{CITIZEN}/statuses/2",
        "type": "Note",
        "attributedTo": CITIZEN,
        "inReplyTo": sent.remote_id,
        "content": "<p>Danke!</p>",
        "to": [sent.remote_id.rsplit("/replies/", 1)[0]],
    }
    create = {"id": "c2", "type": "Create", "actor": CITIZEN, "object": follow_up}
    assert deliver("/ap/inbox", create).status_code == 202
    question.refresh_from_db()
    assert question.messages.count() == 3
    assert question.status == Conversation.Status.OPEN


def test_a_public_answer_can_be_fetched_and_a_direct_one_cannot(
    client, question, agent, citizen, reply
):
    public = reply(question, "Öffentlich.", public=True, by=agent)
    direct = reply(question, "Nur für Sie.", public=False, by=agent)
    accept = {"HTTP_ACCEPT": "application/activity+json"}
    path = public.remote_id.removeprefix("http://rathaus.example")
    found = client.get(path, **accept)
    assert found.status_code == 200
    assert "Öffentlich." in json.loads(found.content)["content"]
    hidden = client.get(direct.remote_id.removeprefix("http://rathaus.example"), **accept)
    assert hidden.status_code == 404


def test_an_editor_may_not_answer_citizens(question, editor, reply):
    with pytest.raises(LifecycleError):
        reply(question, "x", public=False, by=editor)


def test_an_agent_of_another_office_may_not_answer(question, outsider, reply):
    with pytest.raises(LifecycleError):
        reply(question, "x", public=False, by=outsider)
    assert not Activity.objects.exists()
