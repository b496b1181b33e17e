"""Comments on the page's recent posts come into the inbox (socialActions/comments), replies
to comments too; the page's own comments do not; fetching twice stores each comment once,
and the cursor moves on to the newest comment's time."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from rathaus.connectors import fetching
from rathaus.inbox.models import Conversation, Message
from tests.fakes.linkedin import ORGANIZATION


@pytest.fixture
def share(fake, connected_account, publish_post):
    post = publish_post(title="Spielplatz", body="Der Spielplatz ist wieder offen.")
    [created] = fake.live_posts()
    return post, created["id"]


def test_comments_arrive_in_the_inbox_linked_to_the_post(fake, connected_account, share):
    post, urn = share
    comment = fake.add_comment(urn, "Danke!\nEndlich <wieder> offen.", at_ms=1_900_000_000_000)

    assert fetching.fetch(connected_account) == 1

    message = Message.objects.get()
    conversation = message.conversation
    assert message.remote_id == comment
    assert message.channel == connected_account.channel_key
    assert message.in_reply_to == urn
    assert message.author_handle == "urn:li:person:anna"
    assert message.is_public
    assert (
        message.url
        == f"https://www.linkedin.com/feed/update/{urn}/?commentUrn={quote(comment, safe='')}"
    )
    assert "Endlich &lt;wieder&gt; offen." in message.text_html
    assert conversation.post == post
    [listing] = fake.calls("GET", r"^/rest/socialActions/[^/]+/comments$")
    assert listing.path == f"/rest/socialActions/{quote(urn, safe='')}/comments"


def test_fetching_twice_stores_each_comment_once_and_moves_the_cursor(
    fake, connected_account, share
):
    _post, urn = share
    fake.add_comment(urn, "Erster Kommentar", at_ms=1_900_000_000_000)
    assert fetching.fetch(connected_account) == 1
    connected_account.refresh_from_db()
    assert connected_account.cursor == "1900000000000"

    assert fetching.fetch(connected_account) == 0
    fake.add_comment(urn, "Zweiter Kommentar", at_ms=1_900_000_905_000)
    connected_account.refresh_from_db()
    assert fetching.fetch(connected_account) == 1

    connected_account.refresh_from_db()
    assert connected_account.cursor == "1900000905000"
    assert Message.objects.count() == 2
    assert Conversation.objects.count() == 2


def test_the_pages_own_comments_are_not_fetched(fake, connected_account, share):
    _post, urn = share
    fake.add_comment(urn, "Wir antworten gern.", actor=ORGANIZATION, at_ms=1_900_000_000_000)

    assert fetching.fetch(connected_account) == 0
    assert Message.objects.count() == 0


def test_a_reply_to_a_comment_joins_its_conversation(fake, connected_account, share):
    _post, urn = share
    comment = fake.add_comment(urn, "Wann wird gemäht?", at_ms=1_900_000_000_000)
    fake.add_comment(
        urn, "Wir melden uns.", actor=ORGANIZATION, parent=comment, at_ms=1_900_000_001_000
    )
    reply = fake.add_comment(
        urn, "Danke!", actor="urn:li:person:anna", parent=comment, at_ms=1_900_000_002_000
    )

    assert fetching.fetch(connected_account) == 2

    nested = Message.objects.get(remote_id=reply)
    assert nested.in_reply_to == comment
    assert nested.conversation == Message.objects.get(remote_id=comment).conversation


def test_the_first_fetch_leaves_out_comments_older_than_a_week(fake, connected_account, share):
    _post, urn = share
    old = fake.add_comment(urn, "Vor einem Monat", at_ms=_ms_ago(days=30))
    new = fake.add_comment(urn, "Gestern", at_ms=_ms_ago(days=1))

    assert fetching.fetch(connected_account) == 1
    assert Message.objects.filter(remote_id=new).exists()
    assert not Message.objects.filter(remote_id=old).exists()


def test_a_comment_that_shows_up_late_is_still_fetched(fake, connected_account, share):
    # LinkedIn may list a comment a little after others with a later time.
    _post, urn = share
    fake.add_comment(urn, "Zweiter", at_ms=1_900_000_060_000)
    fetching.fetch(connected_account)
    connected_account.refresh_from_db()
    assert connected_account.cursor == "1900000060000"
    late = fake.add_comment(urn, "Erster, aber spät", at_ms=1_900_000_000_000)

    assert fetching.fetch(connected_account) == 1
    assert Message.objects.filter(remote_id=late).exists()


def _ms_ago(**delta) -> int:
    return int((timezone.now() - timedelta(**delta)).timestamp() * 1000)
