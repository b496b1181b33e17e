"""A post an approver sent back says so at its top (who, when, why) and on its author's
dashboard, until it is submitted again; the editor's dashboard lists their posts in review."""

from django.urls import reverse

from rathaus.posts import lifecycle
from tests.helpers import log_in

REASON = "Bitte die Uhrzeit der Sperrung ergänzen und die Quelle nennen."


def _detail(client, post) -> str:
    return client.get(
        reverse("desk:post_detail", args=[post.office.slug, post.pk])
    ).content.decode()


def test_the_post_page_shows_who_sent_it_back_and_why(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    lifecycle.send_back(draft, by=approver, reason=REASON)
    log_in(client, editor)

    html = _detail(client, draft)
    banner = html[html.index('id="sent-back"') : html.index('class="detail"')]
    assert "Zurückgegeben" in banner
    assert REASON in banner
    assert approver.username in banner


def test_the_banner_goes_once_the_post_is_submitted_again(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    lifecycle.send_back(draft, by=approver, reason=REASON)
    lifecycle.edit(draft, by=editor, body="Sperrung von 8 bis 16 Uhr.")
    log_in(client, editor)
    assert 'id="sent-back"' in _detail(client, draft)  # an edit alone does not end it

    lifecycle.submit(draft, by=editor)
    assert 'id="sent-back"' not in _detail(client, draft)


def test_a_draft_never_submitted_has_no_banner(client, office, editor, draft):
    log_in(client, editor)
    assert 'id="sent-back"' not in _detail(client, draft)


def test_the_authors_dashboard_lists_it_with_the_reason(client, office, editor, approver, draft):
    other = lifecycle.create_draft(office, by=editor, title="Noch in Prüfung", body="Text")
    lifecycle.submit(other, by=editor)
    lifecycle.submit(draft, by=editor)
    lifecycle.send_back(draft, by=approver, reason=REASON + " " + "Mehr Text. " * 30)
    log_in(client, editor)

    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert [p.pk for p in response.context["sent_back"]] == [draft.pk]
    assert [p.pk for p in response.context["mine_in_review"]] == [other.pk]
    html = response.content.decode()
    returned = html[html.index('id="h-sent-back"') : html.index('id="h-mine-in-review"')]
    assert "Zurückgegeben" in returned and draft.title in returned
    assert REASON in returned and "…" in returned  # the reason's start, not all of it
    assert "In Prüfung" in html[html.index('id="h-mine-in-review"') :]


def test_others_posts_are_not_on_my_dashboard(client, office, editor, approver, draft):
    from rathaus.offices.models import Role
    from tests.helpers import make_user

    colleague = make_user("carla.colleague", office, Role.EDITOR)
    lifecycle.submit(draft, by=editor)
    lifecycle.send_back(draft, by=approver, reason=REASON)
    log_in(client, colleague)
    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert response.context["sent_back"] == []
    assert list(response.context["mine_in_review"]) == []
    assert 'id="h-sent-back"' not in response.content.decode()
