"""The inbox's notifications are on the one notifications page of the office: newest first,
never anyone else's, opening one marks it read and leads to the conversation; the inbox's
old page redirects there. The navigation counts them with every other notification, and
the inbox's count says only what is overdue."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rathaus.inbox import notices
from rathaus.inbox.models import Conversation
from rathaus.notifications.models import Notification
from tests.helpers import ask, log_in

MENTIONED = Notification.Kind.MENTIONED


@pytest.fixture
def conversation(office):
    return ask(office, "?", channel="contact", remote_id="q:1").conversation


@pytest.fixture
def notes(conversation, agent, office_admin):
    notices.tell([agent], conversation, MENTIONED, "Erste Nachricht")
    notices.tell([agent], conversation, MENTIONED, "Zweite Nachricht")
    notices.tell([office_admin], conversation, MENTIONED, "Nicht für Agnes")
    return list(Notification.objects.order_by("pk"))


def test_the_page_lists_my_notifications_newest_first(client, agent, office, notes):
    log_in(client, agent)
    html = client.get(reverse("desk:notification_list", args=[office.slug])).content.decode()
    assert html.index("Zweite Nachricht") < html.index("Erste Nachricht")
    assert "Nicht für Agnes" not in html
    assert reverse("desk:notification_open", args=[office.slug, notes[0].pk]) in html


def test_opening_one_marks_it_read_and_leads_to_the_conversation(
    client, agent, office, notes, conversation
):
    log_in(client, agent)
    response = client.get(reverse("desk:notification_open", args=[office.slug, notes[0].pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:conversation", args=[office.slug, conversation.pk])
    read = set(Notification.objects.exclude(read_at=None).values_list("pk", flat=True))
    assert read == {notes[0].pk}


def test_all_are_marked_read_but_only_mine(client, agent, office, notes):
    log_in(client, agent)
    client.post(reverse("desk:notifications_all_read", args=[office.slug]))
    assert Notification.objects.filter(user=agent, read_at=None).count() == 0
    assert Notification.objects.get(pk=notes[2].pk).read_at is None


def test_the_old_inbox_page_redirects_to_the_one_page(client, agent, office, notes):
    log_in(client, agent)
    response = client.get(reverse("desk:notifications", args=[office.slug]))
    assert response.status_code == 301
    assert response["Location"] == reverse("desk:notification_list", args=[office.slug])


def test_the_old_mark_read_form_marks_nothing_and_leads_to_the_page(client, agent, office, notes):
    log_in(client, agent)
    response = client.post(
        reverse("desk:notifications_read", args=[office.slug]), {"notification": notes[2].pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:notification_list", args=[office.slug])
    assert not Notification.objects.exclude(read_at=None).exists()


def test_the_old_pages_of_another_office_are_not_found(client, outsider, office):
    log_in(client, outsider)
    for name in ("notifications", "notifications_read"):
        assert client.get(reverse(f"desk:{name}", args=[office.slug])).status_code == 404


def test_the_navigation_counts_unread_and_overdue(client, agent, office, notes, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=timezone.now() - timedelta(hours=2)
    )
    log_in(client, agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    inbox_badge = reverse("desk:inbox_badge", args=[office.slug])
    assert f'hx-get="{inbox_badge}" hx-trigger="load"' in dashboard
    # One menu entry for notifications; the inbox's old page is none.
    assert reverse("desk:notification_list", args=[office.slug]) in dashboard
    assert reverse("desk:notifications", args=[office.slug]) not in dashboard
    badge = client.get(inbox_badge).content.decode()
    assert "1 overdue" in badge
    assert "unread" not in badge  # counted next to "Notifications", not twice
    count = reverse("desk:notification_badge", args=[office.slug])
    assert "2 unread" in client.get(count).content.decode()
    client.post(reverse("desk:notifications_all_read", args=[office.slug]))
    assert "unread" not in client.get(count).content.decode()


def test_the_badge_counts_nothing_of_another_office(client, outsider, other_office, notes):
    log_in(client, outsider)
    badge = client.get(reverse("desk:inbox_badge", args=[other_office.slug]))
    assert badge.status_code == 200
    assert badge.content.decode().strip() == ""
