"""The desk's delivery panel says how far a post got in the Fediverse and how people
reacted, and shows none of it to another office."""

import pytest
from django.test import Client
from django.urls import reverse

from rathaus.federation import reach
from rathaus.federation.models import Activity, Outgoing, Reaction
from tests.helpers import log_in


@pytest.fixture
def spread(account, published):
    activity = Activity.objects.get(post=published, kind="Create")
    Outgoing.objects.bulk_create(
        [
            Outgoing(
                activity=activity,
                inbox="https://a.example/inbox",
                host="a.example",
                status="delivered",
            ),
            Outgoing(
                activity=activity,
                inbox="https://b.example/inbox",
                host="b.example",
                status="delivered",
            ),
            Outgoing(
                activity=activity,
                inbox="https://c.example/inbox",
                host="c.example",
                status="queued",
            ),
            Outgoing(
                activity=activity,
                inbox="https://d.example/inbox",
                host="d.example",
                status="failed",
            ),
        ]
    )
    Reaction.objects.create(post=published, kind="like", actor_hash="1", activity_hash="x")
    Reaction.objects.create(post=published, kind="like", actor_hash="2", activity_hash="y")
    Reaction.objects.create(post=published, kind="announce", actor_hash="1", activity_hash="z")
    return published


def test_it_counts_inboxes_and_reactions(spread):
    assert reach.counts(spread) == {
        "total": 4,
        "delivered": 2,
        "failed": 1,
        "waiting": 1,
        "likes": 2,
        "boosts": 1,
    }


def test_the_post_page_shows_the_reach(client, approver, spread, english_messages):
    log_in(client, approver)
    page = client.get(
        reverse("desk:post_detail", args=[spread.office.slug, spread.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert "delivered to 2 of 4 inboxes" in text
    assert "1 waiting for a retry" in text
    assert "2 likes" in text and "1 boost" in text


def test_another_office_sees_nothing_of_it(outsider, spread):
    client = Client()
    log_in(client, outsider)
    assert (
        client.get(reverse("desk:post_detail", args=[spread.office.slug, spread.pk])).status_code
        == 404
    )
