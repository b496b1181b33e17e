"""An answer reaches the citizen the way the agent chose and from where the citizen wrote:

- from the Fediverse account the citizen wrote to, not the office's first one (issue 10,
  item 19: a direct message to @presse was answered by @baumschutz);
- never more publicly than chosen: every channel declares which kinds of answer it can
  really deliver, the desk offers only those, ``inbox.work.reply`` refuses the others
  before anything is sent, and a channel refuses at sending time rather than go public
  (item 22: a "direct" answer on Bluesky was a public reply with the reference number).
"""

import pytest

from rathaus.federation import sending
from rathaus.federation.models import Account, Activity
from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from tests.conftest import CITIZEN

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
BASE = "http://rathaus.example/ap"


@pytest.fixture(autouse=True)
def _http(settings):
    settings.FEDERATION_ALLOW_HTTP = True


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
    return Activity.objects.get(kind=sending.REPLY).body["actor"]


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
    Activity.objects.filter(kind=sending.REPLY).delete()
    answer_with(conversation, "Gern.", public=False, by=agent)
    assert _answering_actor() == presse
