"""The post list filters by status; unknown filters show everything instead of failing."""

from django.urls import reverse

from rathaus.posts import lifecycle
from tests.helpers import log_in


def test_it_filters_by_status(client, office, editor, published):
    lifecycle.create_draft(office, by=editor, title="Noch ein Entwurf", body="Text")
    log_in(client, editor)
    url = reverse("desk:post_list", args=[office.slug])
    drafts = client.get(url, {"status": "draft"}).content.decode()
    assert "Noch ein Entwurf" in drafts and published.title not in drafts
    public = client.get(url, {"status": "published"}).content.decode()
    assert published.title in public and "Noch ein Entwurf" not in public
    everything = client.get(url, {"status": "bogus"})
    assert everything.status_code == 200
    assert 'id="id_status_error"' in everything.content.decode()
    assert "Noch ein Entwurf" in everything.content.decode()


def test_an_approver_sends_a_post_back_with_a_reason(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    log_in(client, approver)
    url = reverse("desk:post_step", args=[office.slug, draft.pk, "send_back"])
    client.post(url, {"send_back-reason": "Bitte Datum ergänzen"})
    draft.refresh_from_db()
    assert draft.status == "draft"
    html = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk])).content.decode()
    assert "Bitte Datum ergänzen" in html and 'data-action="sent_back"' in html


def test_the_history_shows_a_diff_of_an_edit(client, office, editor, draft):
    lifecycle.edit(draft, by=editor, title="Baumfällung verschoben")
    log_in(client, editor)
    html = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk])).content.decode()
    assert "-title: Baumfällung in der Lindenallee" in html
    assert "+title: Baumfällung verschoben" in html
