"""Bad input in the post form gets a clear error next to the field and nothing typed is lost."""

from django.urls import reverse

from rathaus.posts.models import Post
from tests.helpers import log_in


def _data(**changes):
    data = {
        "title": "Bürgersprechstunde",
        "body": "Der Bezirksbürgermeister lädt ein.",
        "category": "meeting",
        "language": "de",
        "tags": "Sprechstunde",
        "place_name": "Rathaus, Saal 1",
        "latitude": "52.52",
        "longitude": "13.40",
        "event_start": "2027-05-04T18:00",
        "event_end": "2027-05-04T20:00",
    }
    return data | changes


def test_it_rejects_a_missing_title_and_keeps_the_text(client, office, editor):
    log_in(client, editor)
    response = client.post(reverse("desk:post_new", args=[office.slug]), _data(title=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert Post.objects.count() == 0
    assert 'id="id_title_error"' in html
    assert 'aria-describedby="id_title_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Der Bezirksbürgermeister lädt ein." in html
    assert 'value="Rathaus, Saal 1"' in html
    assert 'value="2027-05-04T18:00"' in html


def test_it_rejects_a_latitude_out_of_range(client, office, editor):
    log_in(client, editor)
    response = client.post(reverse("desk:post_new", args=[office.slug]), _data(latitude="123"))
    html = response.content.decode()
    assert Post.objects.count() == 0
    assert 'id="id_latitude_error"' in html
    assert 'value="123"' in html


def test_it_rejects_an_event_that_ends_before_it_starts(client, office, editor):
    log_in(client, editor)
    response = client.post(
        reverse("desk:post_new", args=[office.slug]), _data(event_end="2027-05-04T17:00")
    )
    html = response.content.decode()
    assert Post.objects.count() == 0
    assert 'id="id_event_end_error"' in html
    assert 'value="2027-05-04T17:00"' in html


def test_it_stores_local_event_times_in_utc(client, office, editor):
    log_in(client, editor)
    response = client.post(reverse("desk:post_new", args=[office.slug]), _data())
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.event_start.isoformat() == "2027-05-04T16:00:00+00:00"  # CEST is UTC+2
    assert str(post.latitude) == "52.520000"


def test_the_edit_form_shows_local_times_and_saves_changes(client, office, editor, draft):
    log_in(client, editor)
    url = reverse("desk:post_edit", args=[office.slug, draft.pk])
    client.post(url, _data(title="Neuer Titel"))
    draft.refresh_from_db()
    assert draft.title == "Neuer Titel"
    html = client.get(url).content.decode()
    assert 'value="2027-05-04T18:00"' in html
    assert 'value="Neuer Titel"' in html


def test_an_edit_refused_by_the_lifecycle_keeps_the_input(client, office, approver, published):
    """A published post cannot be edited; the approver is told and the typing survives."""
    log_in(client, approver)
    url = reverse("desk:post_edit", args=[office.slug, published.pk])
    assert client.post(url, _data(title="Heimlich geändert")).status_code == 403
    published.refresh_from_db()
    assert published.title == "Baumfällung in der Lindenallee"
