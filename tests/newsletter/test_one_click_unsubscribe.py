"""RFC 8058: a mail program unsubscribes by POSTing ``List-Unsubscribe=One-Click`` to the
address in List-Unsubscribe. That works without a CSRF token, without a cookie and
without a confirmation page, and it keeps working when it is sent again."""

from rathaus.newsletter.models import Subscriber


def test_a_one_click_post_unsubscribes_at_once(strict_client, subscriber):
    response = strict_client.post(
        f"/mitte/newsletter/abmelden/{subscriber.token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not response.cookies
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_it_also_takes_the_body_as_multipart_form_data(strict_client, subscriber):
    response = strict_client.post(
        f"/mitte/newsletter/abmelden/{subscriber.token}/",
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_sending_it_again_still_succeeds(strict_client, subscriber):
    path = f"/mitte/newsletter/abmelden/{subscriber.token}/"
    body = {
        "data": "List-Unsubscribe=One-Click",
        "content_type": "application/x-www-form-urlencoded",
    }
    assert strict_client.post(path, **body).status_code == 200
    assert strict_client.post(path, **body).status_code == 200


def test_it_unsubscribes_only_the_address_the_link_names(strict_client, office, subscriber):
    other = Subscriber.objects.create(
        office=office, email="bert@example.org", status=Subscriber.Status.CONFIRMED
    )
    strict_client.post(
        f"/mitte/newsletter/abmelden/{subscriber.token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert list(Subscriber.objects.all()) == [other]


def test_another_office_cannot_use_the_link(strict_client, other_office, subscriber):
    strict_client.post(
        f"/nord/newsletter/abmelden/{subscriber.token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
