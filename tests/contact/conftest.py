"""Fixtures the contact tests share."""

import pytest


@pytest.fixture
def english(client):
    """The test client, as a citizen whose browser asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
