"""An agent may look but not write; the page offers each user only the steps they may take."""

from django.urls import reverse

from rathaus.posts.models import Post
from tests.helpers import log_in


def test_an_agent_cannot_edit(client, office, agent, draft):
    log_in(client, agent)
    detail = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and draft.title in html
    edit_url = reverse("desk:post_edit", args=[office.slug, draft.pk])
    assert edit_url not in html
    assert reverse("desk:post_step", args=[office.slug, draft.pk, "submit"]) not in html
    assert client.get(edit_url).status_code == 403
    response = client.post(
        edit_url, {"title": "Agent war hier", "body": "x", "category": "notice", "language": "de"}
    )
    draft.refresh_from_db()
    assert response.status_code == 403
    assert draft.title == "Baumfällung in der Lindenallee"


def test_an_agent_cannot_create_or_submit(client, office, agent, draft):
    log_in(client, agent)
    assert client.get(reverse("desk:post_new", args=[office.slug])).status_code == 403
    assert (
        reverse("desk:post_new", args=[office.slug])
        not in client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    )
    client.post(reverse("desk:post_step", args=[office.slug, draft.pk, "submit"]))
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert Post.objects.count() == 1


def test_an_editor_sees_submit_but_not_approve(client, office, editor, draft):
    log_in(client, editor)
    html = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk])).content.decode()
    assert reverse("desk:post_step", args=[office.slug, draft.pk, "submit"]) in html
    assert reverse("desk:post_step", args=[office.slug, draft.pk, "approve"]) not in html
    assert reverse("desk:post_step", args=[office.slug, draft.pk, "publish"]) not in html
