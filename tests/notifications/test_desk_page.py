"""The notifications page of the desk: my own, in this office, newest first; opening one
marks it read and goes to its desk page; all read at once; the count in the header; the
mail choice. Another office's member gets 404 for every one of these addresses."""

import re

import pytest
from django.urls import reverse

from rathaus.notifications.models import Notification, NotificationPreference
from rathaus.notifications.notify import notify
from tests.helpers import log_in

Kind = Notification.Kind


def _tell(office, user, text, url="/desk/mitte/beitraege/1/"):
    [made] = notify([user], office=office, kind=Kind.SENT_BACK, text=text, url=url)
    return made


@pytest.fixture
def mine(office, editor, approver):
    first = _tell(office, editor, "Erste Meldung")
    second = _tell(office, editor, "Zweite Meldung")
    _tell(office, approver, "Nicht für Erika")
    return first, second


def url(name, office, *args):
    return reverse(f"desk:{name}", args=[office.slug, *args])


def test_the_page_lists_my_notifications_newest_first(client, editor, office, mine):
    log_in(client, editor)
    html = client.get(url("notification_list", office)).content.decode()
    assert html.index("Zweite Meldung") < html.index("Erste Meldung")
    assert "Nicht für Erika" not in html
    assert url("notification_open", office, mine[0].pk) in html
    assert html.count('class="unread"') == 2


def test_opening_one_marks_it_read_and_goes_to_its_page(client, editor, office, mine):
    log_in(client, editor)
    response = client.get(url("notification_open", office, mine[0].pk))
    assert response.status_code == 302 and response["Location"] == "/desk/mitte/beitraege/1/"
    mine[0].refresh_from_db()
    mine[1].refresh_from_db()
    assert mine[0].read_at is not None and mine[1].read_at is None


def test_someone_elses_notification_cannot_be_opened(client, editor, approver, office):
    theirs = _tell(office, approver, "Für Anton")
    log_in(client, editor)
    response = client.get(url("notification_open", office, theirs.pk))
    assert response["Location"] == url("notification_list", office)  # not even "it exists"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_stored_outside_address_is_not_followed(client, editor, office):
    made = _tell(office, editor, "Alt")
    Notification.objects.filter(pk=made.pk).update(url="//evil.example/")
    log_in(client, editor)
    assert client.get(url("notification_open", office, made.pk))["Location"] == "/desk/"


def test_all_are_marked_read_but_only_mine(client, editor, approver, office, mine):
    log_in(client, editor)
    response = client.post(url("notifications_all_read", office))
    assert response.status_code == 303
    assert not Notification.objects.filter(user=editor, read_at=None).exists()
    assert Notification.objects.filter(user=approver, read_at=None).exists()


def test_the_header_counts_my_unread_ones(client, editor, office, mine):
    log_in(client, editor, language="en")
    dashboard = client.get(url("dashboard", office)).content.decode()
    badge_url = url("notification_badge", office)
    assert f'hx-get="{badge_url}" hx-trigger="load"' in dashboard
    assert url("notification_list", office) in dashboard
    assert "2 unread" in client.get(badge_url).content.decode()
    client.post(url("notifications_all_read", office))
    assert "unread" not in client.get(badge_url).content.decode()


def test_the_mail_choice_is_mine_to_make(client, editor, office):
    log_in(client, editor)
    page = client.get(url("notification_list", office)).content.decode()
    [checkbox] = re.findall(r"<input[^>]*name=\"by_mail\"[^>]*>", page)
    assert "checked" in checkbox  # mail by default
    assert client.post(url("notification_mail", office), {}).status_code == 303
    assert NotificationPreference.objects.get(user=editor).by_mail is False
    client.post(url("notification_mail", office), {"by_mail": "on"})
    assert NotificationPreference.objects.get(user=editor).by_mail is True


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("notification_list", "get"),
        ("notification_badge", "get"),
        ("notifications_all_read", "post"),
        ("notification_mail", "post"),
    ],
)
def test_another_offices_member_gets_404(client, outsider, office, mine, name, method):
    log_in(client, outsider)
    assert getattr(client, method)(url(name, office)).status_code == 404
    assert Notification.objects.filter(read_at=None).count() == 3
    assert not NotificationPreference.objects.exists()


def test_another_offices_member_cannot_open_one(client, outsider, office, mine):
    log_in(client, outsider)
    assert client.get(url("notification_open", office, mine[0].pk)).status_code == 404
    assert Notification.objects.filter(read_at=None).count() == 3


def test_conversation_notices_go_with_the_inbox_access(client, agent, office):
    from rathaus.offices.models import Membership, Role

    [notice] = notify(
        [agent],
        office=office,
        kind=Kind.ASSIGNED,
        text="Ihnen zugewiesen: Laterne in der Lindenallee defekt",
        url="/desk/mitte/posteingang/7/",
        subject="conversation:7",
        mail=False,
    )
    log_in(client, agent)
    assert "Laterne" in client.get(url("notification_list", office)).content.decode()

    # The agent becomes an editor only: the citizen's subject is no longer theirs to read.
    Membership.objects.filter(user=agent, office=office).update(role=Role.EDITOR)
    assert "Laterne" not in client.get(url("notification_list", office)).content.decode()
    assert "notification-count" not in client.get(url("notification_badge", office)).text
    opened = client.get(url("notification_open", office, notice.pk))
    assert opened["Location"] == url("notification_list", office)
    notice.refresh_from_db()
    assert notice.read_at is None  # kept, unread, for when the access comes back

    Membership.objects.filter(user=agent, office=office).update(role=Role.AGENT)
    assert "Laterne" in client.get(url("notification_list", office)).content.decode()
