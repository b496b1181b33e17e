"""Four eyes through the desk: whoever edited last cannot approve, and is told why."""

from django.urls import reverse

from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.helpers import log_in


def test_it_rejects_self_approval_through_the_view(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    lifecycle.edit(draft, by=approver, title="Vom Freigeber geändert")
    log_in(client, approver)

    detail = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk])).content.decode()
    assert 'disabled aria-describedby="four-eyes"' in detail

    response = client.post(reverse("desk:post_step", args=[office.slug, draft.pk, "approve"]))
    draft.refresh_from_db()
    assert response.status_code == 400
    assert draft.status == Post.Status.IN_REVIEW
    assert draft.approved_by is None
    assert 'role="alert"' in response.content.decode()


def test_the_dashboard_hides_posts_i_edited_last(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    log_in(client, approver)
    url = reverse("desk:dashboard", args=[office.slug])
    assert draft.title in client.get(url).context["waiting"][0].title
    lifecycle.edit(draft, by=approver, title="Geändert")
    assert list(client.get(url).context["waiting"]) == []
