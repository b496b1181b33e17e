"""Likes and boosts are counted per post, each person once, and can be taken back; who
reacted is kept only as a hash."""

import pytest

from rathaus.federation.models import Reaction
from tests.helpers import CITIZEN

ACTOR = "http://rathaus.example/ap/presse"


pytestmark = pytest.mark.usefixtures("federation_over_http")


@pytest.fixture
def note_url(account, published):
    return f"{ACTOR}/notes/{published.pk}"


def _like(note_url, number=1):
    return {"id": f"{CITIZEN}#likes/{number}", "type": "Like", "actor": CITIZEN, "object": note_url}


def test_a_like_is_counted_once_per_person(deliver, citizen, note_url, published):
    deliver("/ap/inbox", _like(note_url, 1))
    deliver("/ap/inbox", _like(note_url, 2))
    assert published.reactions.filter(kind="like").count() == 1
    assert CITIZEN not in str(list(Reaction.objects.values()))


def test_undo_like_takes_it_back(deliver, citizen, note_url, published):
    deliver("/ap/inbox", _like(note_url))
    undo = {"id": f"{CITIZEN}#u", "type": "Undo", "actor": CITIZEN, "object": _like(note_url)}
    deliver("/ap/inbox", undo)
    assert not published.reactions.exists()


def test_an_announce_with_the_object_embedded_is_a_boost(deliver, citizen, note_url, published):
    announce = {
        "id": f"{CITIZEN}/statuses/9/activity",
        "type": "Announce",
        "actor": CITIZEN,
        "object": {"id": note_url, "type": "Note"},
    }
    deliver("/ap/inbox", announce)
    assert published.reactions.get().kind == "announce"


def test_a_like_of_something_not_ours_is_ignored(deliver, citizen, account):
    deliver("/ap/inbox", _like("https://elsewhere.example/notes/1"))
    assert not Reaction.objects.exists()
