"""The delivery panel fetches itself again (htmx, every 3 s) while a channel has not
answered, and carries no trigger once all have settled; other offices get a 404."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.helpers import log_in


def _panel_url(post):
    return reverse("desk:post_deliveries", args=[post.office.slug, post.pk])


def test_it_polls_while_a_delivery_is_pending_and_stops_when_settled(
    client, office, approver, published
):
    log_in(client, approver)
    published.deliveries.update(status=Delivery.Status.QUEUED)
    detail = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    html = detail.content.decode()
    assert f'hx-get="{_panel_url(published)}"' in html and 'hx-trigger="every 3s"' in html

    running = client.get(_panel_url(published))
    assert running.status_code == 200
    assert 'hx-trigger="every 3s"' in running.content.decode()
    assert running.content.decode().lstrip().startswith('<section id="deliveries"')

    published.deliveries.update(status=Delivery.Status.PUBLISHED)
    settled = client.get(_panel_url(published)).content.decode()
    assert 'id="deliveries"' in settled and "hx-trigger" not in settled and "hx-get" not in settled
    assert "Veröffentlicht" in settled


def test_waiting_to_be_posted_by_hand_or_failed_is_settled(client, office, approver, published):
    log_in(client, approver)
    for status in (Delivery.Status.FAILED, Delivery.Status.NEEDS_REAUTH):
        published.deliveries.update(status=status)
        assert "hx-trigger" not in client.get(_panel_url(published)).content.decode()
    published.deliveries.update(status=Delivery.Status.PUBLISHED)
    xing = ConnectedAccount.objects.create(
        office=office, platform="xing", name="mitte", remote_id="https://www.xing.com/pages/m"
    )
    manual = Delivery.objects.create(
        subject=published,
        channel=xing.channel_key,
        content_hash=published.approved_hash,
        idempotency_key=f"{published.pk}:{xing.channel_key}:publish:x",
        status=Delivery.Status.MANUAL,
    )
    html = client.get(_panel_url(published)).content.decode()
    assert f'id="prepared-{manual.pk}"' in html  # the text to post by hand, in the panel
    assert "hx-trigger" not in html


def test_the_panel_offers_a_retry_to_approvers(client, office, approver, published):
    published.deliveries.update(status=Delivery.Status.FAILED)
    delivery = published.deliveries.first()
    log_in(client, approver)
    html = client.get(_panel_url(published)).content.decode()
    assert reverse("desk:retry", args=[office.slug, delivery.pk]) in html


def test_another_office_gets_a_404(client, outsider, published):
    log_in(client, outsider)
    assert client.get(_panel_url(published)).status_code == 404


def test_it_needs_a_login(client, published):
    assert client.get(_panel_url(published)).status_code == 302


def test_only_a_retry_hours_away_is_asked_for_once_a_minute(client, office, approver, published):
    log_in(client, approver)
    later = timezone.now() + timedelta(hours=2)
    published.deliveries.update(status=Delivery.Status.QUEUED, next_attempt_at=later)
    assert 'hx-trigger="every 60s"' in client.get(_panel_url(published)).content.decode()
    published.deliveries.update(status=Delivery.Status.RUNNING)
    assert 'hx-trigger="every 3s"' in client.get(_panel_url(published)).content.decode()
