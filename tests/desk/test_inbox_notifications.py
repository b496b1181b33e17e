"""The user's notifications: newest first, marked read one by one or all at once, never
anyone else's; the navigation counts the unread ones and the overdue conversations."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Notification
from tests.helpers import ask, log_in


@pytest.fixture
def conversation(office):
    return ask(office, "?", channel="contact", remote_id="q:1").conversation


@pytest.fixture
def notes(conversation, agent, office_admin):
    first = work.notify(agent, conversation, "Erste Nachricht")
    second = work.notify(agent, conversation, "Zweite Nachricht")
    for_someone_else = work.notify(office_admin, conversation, "Nicht für Agnes")
    return first, second, for_someone_else


def test_the_page_lists_my_notifications_newest_first(client, agent, office, notes):
    log_in(client, agent)
    html = client.get(reverse("desk:notifications", args=[office.slug])).content.decode()
    assert html.index("Zweite Nachricht") < html.index("Erste Nachricht")
    assert "Nicht für Agnes" not in html
    assert reverse("desk:conversation", args=[office.slug, notes[0].conversation_id]) in html


def test_one_is_marked_read(client, agent, office, notes):
    log_in(client, agent)
    url = reverse("desk:notifications_read", args=[office.slug])
    response = client.post(url, {"notification": notes[0].pk})
    assert response.status_code == 302
    read = set(Notification.objects.exclude(read_at=None).values_list("pk", flat=True))
    assert read == {notes[0].pk}


def test_all_are_marked_read_but_only_mine(client, agent, office, notes):
    log_in(client, agent)
    client.post(reverse("desk:notifications_read", args=[office.slug]))
    assert Notification.objects.filter(user=agent, read_at=None).count() == 0
    assert Notification.objects.get(pk=notes[2].pk).read_at is None


def test_someone_elses_notification_cannot_be_marked(client, agent, office, notes):
    log_in(client, agent)
    client.post(
        reverse("desk:notifications_read", args=[office.slug]), {"notification": notes[2].pk}
    )
    assert Notification.objects.get(pk=notes[2].pk).read_at is None


def test_the_navigation_counts_unread_and_overdue(client, agent, office, notes, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=timezone.now() - timedelta(hours=2)
    )
    log_in(client, agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    badge_url = reverse("desk:inbox_badge", args=[office.slug])
    assert f'hx-get="{badge_url}" hx-trigger="load"' in dashboard
    assert reverse("desk:notifications", args=[office.slug]) in dashboard
    badge = client.get(badge_url).content.decode()
    assert "1 overdue" in badge
    assert "2 unread" in badge
    client.post(reverse("desk:notifications_read", args=[office.slug]))
    assert "unread" not in client.get(badge_url).content.decode()


def test_the_badge_counts_nothing_of_another_office(client, outsider, other_office, notes):
    log_in(client, outsider)
    badge = client.get(reverse("desk:inbox_badge", args=[other_office.slug]))
    assert badge.status_code == 200
    assert badge.content.decode().strip() == ""
