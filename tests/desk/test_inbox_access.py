"""Who reads citizens' messages (issue 12): agents and office admins; editors and approvers
only where the office allows it on its members page; data-subject requests only office
admins; nobody of another office. Checked for every inbox URL of the desk, the list taken
from the URLconf, so a new inbox view cannot be forgotten."""

import pytest
from django.urls import URLPattern, reverse

from rathaus.audit.models import AuditEntry
from rathaus.desk import urls as desk_urls
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from rathaus.notifications.models import Notification
from tests.helpers import ask, log_in

INBOX = "<slug:slug>/anfragen/"
PATTERNS = [
    p
    for p in desk_urls.urlpatterns
    if isinstance(p, URLPattern) and str(p.pattern).startswith(INBOX)
]
ADMIN_ONLY = {"citizen_data"}
ROLES = ("editor", "approver", "agent", "office_admin")
# Everything any inbox form takes, so that a POST that got through would change something.
DATA = {
    "me": "1",
    "assign-to": "",
    "status-status": "closed",
    "details-priority": "3",
    "note-text": "gelesen",
    "reply-text": "Antwort",
    "reply-visibility": "direct",
    "title": "Vorlage",
    "question": "Frage?",
    "email": "anna@example.org",
    "action": "erase",
    "confirm": "on",
}


@pytest.fixture
def inbox(office, agent, office_admin, tiny_png):
    """A conversation with a photo and a note that notifies the agent."""
    question = ask(
        office,
        "<p>Die Linde vor Nr. 3</p>",
        channel="contact",
        remote_id="q:1",
        author_name="Anna",
        author_email="anna@example.org",
    )
    question.photo.save("linde.png", tiny_png)
    work.add_note(question.conversation, f"@{agent.username} bitte", by=office_admin)
    return question


def _url(pattern: URLPattern, question: Message) -> str:
    values = {"slug": question.office.slug, "pk": question.conversation_id, "message": question.pk}
    return reverse(
        f"desk:{pattern.name}", kwargs={k: values[k] for k in pattern.pattern.converters}
    )


def _state() -> tuple:
    return (
        list(Conversation.objects.values_list("pk", "status", "priority", "assignee", "team")),
        list(Message.objects.order_by("pk").values_list("pk", "text_html", "hidden_at")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        AuditEntry.objects.count(),
    )


def test_the_inbox_urls_are_found_in_the_urlconf():
    names = {p.name for p in PATTERNS}
    assert {"inbox", "inbox_badge", "notifications", "conversation", "citizen_data"} <= names
    assert {"conversation_photo", "conversation_reply", "conversation_note"} <= names
    assert len(names) == len(PATTERNS) >= 16


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("opened", [False, True], ids=["default", "opened"])
def test_each_role_reads_the_inbox_as_the_office_allows(client, request, inbox, pattern, opened):
    office = inbox.office
    office.inbox_open_to_editors = opened
    office.save()
    url = _url(pattern, inbox)
    for role in ROLES:
        log_in(client, request.getfixturevalue(role))
        readers = {"office_admin"} if pattern.name in ADMIN_ONLY else {"agent", "office_admin"}
        if opened and pattern.name not in ADMIN_ONLY:
            readers |= {"editor", "approver"}
        status = client.get(url).status_code
        if role in readers:
            assert status in (200, 301, 302), (role, status)  # 301: the old notifications page
            continue
        assert status == 403, (role, status)
        before = _state()
        assert client.post(url, DATA).status_code == 403, role
        assert _state() == before, role


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_another_offices_people_get_404_whatever_the_office_allows(
    client, inbox, outsider, pattern
):
    inbox.office.inbox_open_to_editors = True  # the outsider is editor and approver elsewhere
    inbox.office.save()
    log_in(client, outsider)
    url = _url(pattern, inbox)
    before = _state()
    assert client.get(url).status_code == 404
    assert client.post(url, DATA).status_code == 404
    assert _state() == before


def _nav(client, office) -> str:
    return client.get(reverse("desk:dashboard", args=[office.slug])).text


def test_the_navigation_shows_the_inbox_to_those_who_read_it(client, office, editor, agent):
    inbox_url = reverse("desk:inbox", args=[office.slug])
    notifications_url = reverse("desk:notifications", args=[office.slug])
    log_in(client, editor)
    assert inbox_url not in _nav(client, office)
    assert notifications_url not in _nav(client, office)
    office.inbox_open_to_editors = True
    office.save()
    assert inbox_url in _nav(client, office)
    log_in(client, agent)
    assert inbox_url in _nav(client, office)


def test_the_office_admin_opens_and_closes_the_inbox_on_the_members_page(
    client, office, office_admin
):
    log_in(client, office_admin)
    url = reverse("desk:members", args=[office.slug])
    page = client.get(url).text
    assert 'name="open_to_editors"' in page and 'id="inbox-open-to-editors"' in page
    assert 'for="inbox-open-to-editors"' in page
    response = client.post(url, {"form": "inbox_access", "open_to_editors": "1"})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.inbox_open_to_editors
    assert "checked" in client.get(url).text.split('id="inbox-open-to-editors"')[1][:80]
    client.post(url, {"form": "inbox_access"})  # the checkbox left empty
    office.refresh_from_db()
    assert not office.inbox_open_to_editors
    entries = AuditEntry.objects.filter(action="inbox_access_changed").order_by("pk")
    assert [(e.before, e.after) for e in entries] == [
        ({"open_to_editors": False}, {"open_to_editors": True}),
        ({"open_to_editors": True}, {"open_to_editors": False}),
    ]


@pytest.mark.parametrize("role", ["editor", "approver", "agent"])
def test_only_the_office_admin_changes_who_reads_the_inbox(client, request, office, role):
    log_in(client, request.getfixturevalue(role))
    url = reverse("desk:members", args=[office.slug])
    assert client.post(url, {"form": "inbox_access", "open_to_editors": "1"}).status_code == 403
    office.refresh_from_db()
    assert not office.inbox_open_to_editors


def test_another_offices_admin_cannot_change_it(client, office, outsider):
    log_in(client, outsider)
    url = reverse("desk:members", args=[office.slug])
    assert client.post(url, {"form": "inbox_access", "open_to_editors": "1"}).status_code == 404
    office.refresh_from_db()
    assert not office.inbox_open_to_editors


def test_a_note_notifies_only_colleagues_who_read_the_inbox(office, agent, editor, inbox):
    text = f"@{editor.username} @{agent.username} bitte ansehen"
    work.add_note(inbox.conversation, text, by=agent)  # the agent is not notified of their own
    assert not Notification.objects.filter(user=editor).exists()
    office.inbox_open_to_editors = True
    office.save()
    work.add_note(inbox.conversation, text, by=agent)
    assert Notification.objects.filter(user=editor).count() == 1
