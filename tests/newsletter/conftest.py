"""Fixtures the newsletter tests share."""

import pytest
from django.test import Client

from rathaus.newsletter.models import NewsletterSettings, Send, Subscriber


@pytest.fixture
def newsletter(office):
    """The office's newsletter, switched on, with its bounce address."""
    return NewsletterSettings.objects.create(
        office=office, enabled=True, bounce_address="newsletter@mitte.example"
    )


@pytest.fixture
def subscriber(office):
    """Anna, a confirmed subscriber of the office's newsletter."""
    NewsletterSettings.objects.create(office=office, enabled=True)
    return Subscriber.objects.create(
        office=office, email="anna@example.org", status=Subscriber.Status.CONFIRMED
    )


@pytest.fixture
def send(office, newsletter, publish_post):
    """A published post's mail to one confirmed subscriber."""
    Subscriber.objects.create(
        office=office, email="anna@example.org", status=Subscriber.Status.CONFIRMED
    )
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    return Send.objects.get()


@pytest.fixture
def strict_client():
    """A client that, like a browser, gets no pass on CSRF checks."""
    return Client(enforce_csrf_checks=True)
