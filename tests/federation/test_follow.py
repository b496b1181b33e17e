"""Follow is accepted at once (the accounts are public), Undo and Block end it, and the
follower's server is told with a signed Accept."""

import pytest

from rathaus.federation import collections
from rathaus.federation.models import Activity, Follower, Outgoing
from tests.helpers import CITIZEN

ACTOR = "http://rathaus.example/ap/presse"


pytestmark = pytest.mark.usefixtures("federation_over_http")


def _follow(number=1):
    return {
        "id": f"{CITIZEN}#follows/{number}",
        "type": "Follow",
        "actor": CITIZEN,
        "object": ACTOR,
    }


def test_a_follow_is_stored_with_its_shared_inbox_and_accepted(deliver, citizen, account):
    assert deliver("/ap/inbox", _follow()).status_code == 202
    follower = Follower.objects.get()
    assert follower.account == account
    assert follower.actor.delivery_inbox == "https://social.example/inbox"
    accept = Activity.objects.get(kind="Accept")
    assert accept.body["object"]["id"] == f"{CITIZEN}#follows/1"
    assert accept.body["actor"] == ACTOR
    # The Accept goes to the follower's own inbox, as Mastodon expects it.
    assert list(Outgoing.objects.values_list("inbox", flat=True)) == [f"{CITIZEN}/inbox"]


def test_following_twice_keeps_one_follower(deliver, citizen, account):
    deliver("/ap/inbox", _follow(1))
    deliver("/ap/inbox", _follow(2))
    assert Follower.objects.count() == 1
    assert collections.followers(account)["totalItems"] == 1


def test_the_followers_collection_shows_the_count_but_not_the_people(
    client, deliver, citizen, account
):
    deliver("/ap/inbox", _follow())
    page = client.get("/ap/presse/followers", HTTP_ACCEPT="application/activity+json").json()
    assert page["totalItems"] == 1
    assert "orderedItems" not in page
    assert CITIZEN not in str(page)


def test_undo_follow_removes_the_follower(deliver, citizen, account):
    deliver("/ap/inbox", _follow())
    undo = {"id": f"{CITIZEN}#undo/1", "type": "Undo", "actor": CITIZEN, "object": _follow()}
    assert deliver("/ap/inbox", undo).status_code == 202
    assert not Follower.objects.exists()


def test_undo_naming_the_follow_by_id_only_removes_it(deliver, citizen, account):
    deliver("/ap/inbox", _follow())
    undo = {"id": f"{CITIZEN}#undo/1", "type": "Undo", "actor": CITIZEN, "object": _follow()["id"]}
    deliver("/ap/inbox", undo)
    assert not Follower.objects.exists()


def test_a_block_ends_the_follow(deliver, citizen, account):
    deliver("/ap/inbox", _follow())
    block = {"id": f"{CITIZEN}#blocks/1", "type": "Block", "actor": CITIZEN, "object": ACTOR}
    deliver("/ap/inbox", block)
    assert not Follower.objects.exists()


def test_a_follow_of_someone_else_is_ignored(deliver, citizen, account):
    follow = _follow() | {"object": "https://elsewhere.example/users/x"}
    assert deliver("/ap/inbox", follow).status_code == 202
    assert not Follower.objects.exists()
