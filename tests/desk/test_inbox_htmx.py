"""htmx updates the queue without a full reload: with the HX-Request header the desk
answers with the list alone; without it (no JavaScript, a bookmark, a history restore)
with the whole page."""

import pytest
from django.urls import reverse

from tests.helpers import ask


@pytest.fixture
def question(office):
    return ask(office, "<p>Laterne aus</p>", channel="contact", remote_id="q:1").conversation


def test_htmx_gets_only_the_list(agent_client, office, question):
    url = reverse("desk:inbox", args=[office.slug])
    response = agent_client.get(url, {"q": "Laterne"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert question.reference in html
    assert "<html" not in html
    assert '<nav class="queues"' in html
    assert "HX-Request" in response["Vary"]


def test_without_htmx_the_whole_page_comes(agent_client, office, question):
    response = agent_client.get(reverse("desk:inbox", args=[office.slug]), {"q": "Laterne"})
    html = response.content.decode()
    assert "<html" in html
    assert '<div id="inbox-list">' in html
    assert question.reference in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(agent_client, office, question):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = agent_client.get(reverse("desk:inbox", args=[office.slug]), headers=headers)
    assert "<html" in response.content.decode()


def test_queues_filters_and_pages_are_wired_for_htmx_and_plain_links(
    agent_client, office, question
):
    html = agent_client.get(reverse("desk:inbox", args=[office.slug])).content.decode()
    url = reverse("desk:inbox", args=[office.slug])
    # Each queue is a real link (works without JavaScript) that htmx fetches into the list.
    assert f'href="{url}?queue=mine" hx-get="{url}?queue=mine"' in html
    assert 'hx-target="#inbox-list" hx-push-url="true"' in html
    assert f'<form class="filter inbox-filter" role="search" method="get" action="{url}"' in html
    assert 'aria-current="page">' in html
