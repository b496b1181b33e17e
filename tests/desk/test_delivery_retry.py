"""A failed delivery shows its problem and can be retried from the post's page."""

from django.urls import reverse

from rathaus.delivery import channels
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from tests.helpers import log_in


def test_the_retry_button_requeues_a_failed_delivery(
    client, office, editor, approver, draft, scripted_channel, django_capture_on_commit_callbacks
):
    scripted_channel.outcomes = [channels.PermanentError("Konto gesperrt")]
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(draft, by=approver)
    failed = draft.deliveries.get(channel="scripted")
    assert failed.status == Delivery.Status.FAILED

    log_in(client, approver)
    detail = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk])).content.decode()
    assert "Konto gesperrt" in detail
    retry_url = reverse("desk:retry", args=[office.slug, failed.pk])
    assert retry_url in detail
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    assert "Konto gesperrt" in dashboard
    assert dashboard.count('class="flag"') >= 1  # "partly published"

    response = client.post(retry_url)
    failed.refresh_from_db()
    assert response.status_code == 302
    assert failed.status == Delivery.Status.PUBLISHED  # the worker ran it at once in tests
    assert scripted_channel.calls == [("publish", draft.pk), ("publish", draft.pk)]
    assert retry_url not in client.get(response["Location"]).content.decode()


def test_an_editor_gets_no_retry_button_and_cannot_retry(client, office, editor, published):
    delivery = published.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    log_in(client, editor)
    url = reverse("desk:retry", args=[office.slug, delivery.pk])
    assert (
        url
        not in client.get(
            reverse("desk:post_detail", args=[office.slug, published.pk])
        ).content.decode()
    )
    client.post(url)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
