"""One way of naming colleagues on the desk: the full name, the login name only where the
account has no name (offices.people)."""

from __future__ import annotations

from django.urls import reverse

from rathaus.offices.people import display_name
from rathaus.posts import lifecycle
from tests.helpers import log_in


def test_full_name_where_there_is_one_else_the_login_name(editor, approver):
    editor.first_name, editor.last_name = "Erika", "Mustermann"
    assert display_name(editor) == "Erika Mustermann"
    assert display_name(approver) == "anton.approver"
    assert display_name(None) == ""


def test_a_posts_history_and_the_dashboard_name_colleagues_by_name(
    client, office, draft, editor, approver
):
    editor.first_name, editor.last_name = "Erika", "Mustermann"
    editor.save()
    lifecycle.submit(draft, by=editor)
    log_in(client, approver)

    history = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk])).content
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug])).content

    for html in (history.decode(), dashboard.decode()):
        assert "Erika Mustermann" in html
        assert "erika.editor" not in html


def test_the_members_page_names_colleagues_by_name(client, office, office_admin, editor):
    editor.first_name, editor.last_name = "Erika", "Mustermann"
    editor.save()
    log_in(client, office_admin)

    html = client.get(reverse("desk:members", args=[office.slug])).content.decode()

    assert "Erika Mustermann" in html
    assert "erika.editor" not in html
