"""The whole way through the desk: an editor writes and submits, an approver approves and
publishes, and the post is out with its newsroom delivery published."""

from django.urls import reverse

from rathaus.delivery.models import Delivery
from rathaus.posts.models import Post
from tests.helpers import log_in


def _step(client, post, step, data=None):
    return client.post(
        reverse("desk:post_step", args=[post.office.slug, post.pk, step]), data or {}
    )


def test_it_takes_a_post_from_draft_to_published(
    client, office, editor, approver, django_capture_on_commit_callbacks
):
    log_in(client, editor)
    response = client.post(
        reverse("desk:post_new", args=[office.slug]),
        {
            "title": "Sperrung der Brückenstraße",
            "body": "Die Brücke wird **saniert**.",
            "category": "short_notice",
            "language": "de",
            "tags": "Verkehr, Baustelle",
        },
    )
    post = Post.objects.get(title="Sperrung der Brückenstraße")
    assert response.status_code == 302
    assert sorted(t.name for t in post.tags.all()) == ["Baustelle", "Verkehr"]
    assert _step(client, post, "submit").status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    client.logout()

    log_in(client, approver)
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    assert "Sperrung der Brückenstraße" in dashboard
    assert _step(client, post, "approve").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert _step(client, post, "publish").status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    delivery = post.deliveries.get()
    assert (delivery.channel, delivery.status) == ("newsroom", Delivery.Status.PUBLISHED)

    detail = client.get(reverse("desk:post_detail", args=[office.slug, post.pk])).content.decode()
    assert "delivery-published" in detail
    assert delivery.remote_url in detail
    for action in ("created", "submitted", "approved", "published"):
        assert f'data-action="{action}"' in detail
    newsroom = client.get(post.get_absolute_url())
    assert newsroom.status_code == 200


def test_it_sends_back_and_withdraws_with_reasons(client, office, approver, published):
    log_in(client, approver)
    empty = _step(client, published, "withdraw", {"withdraw-reason": ""})
    assert empty.status_code == 400
    assert 'id="id_withdraw-reason_error"' in empty.content.decode()
    published.refresh_from_db()
    assert published.status == Post.Status.PUBLISHED

    _step(client, published, "withdraw", {"withdraw-reason": "Termin entfällt"})
    published.refresh_from_db()
    assert published.status == Post.Status.WITHDRAWN
    assert published.withdrawal_reason == "Termin entfällt"


def test_an_approver_corrects_a_published_post_with_a_note(client, office, approver, published):
    log_in(client, approver)
    url = reverse("desk:post_correct", args=[office.slug, published.pk])
    form = client.get(url).content.decode()
    assert "Baumfällung in der Lindenallee" in form
    data = {
        "title": "Baumfällung in der Lindenallee (korrigiert)",
        "body": published.body,
        "category": published.category,
        "language": "de",
        "note": "Datum berichtigt",
    }
    assert client.post(url, data).status_code == 302
    published.refresh_from_db()
    assert published.status == Post.Status.CORRECTED
    assert published.correction_note == "Datum berichtigt"
