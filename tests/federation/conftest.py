"""Fixtures the federation tests share."""

import pytest

from tests.fediverse_server import FediverseServer


@pytest.fixture
def loopback_federation(settings):
    """Other servers run on loopback over HTTP, and our own host is rathaus.example."""
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "rathaus.example"]


@pytest.fixture
def server(settings):
    """Another Fediverse server on loopback (tests/fediverse_server.py), which federation
    may reach over HTTP."""
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    with FediverseServer() as running:
        yield running


@pytest.fixture
def admin_client(admin_site_as):
    """A client in the Django admin with the federation app's permissions."""
    return admin_site_as("federation")
