"""Fixtures the desk tests share."""

import pytest

from tests.helpers import log_in


@pytest.fixture
def agent_client(client, agent):
    """The test client, logged in as the office's agent."""
    return log_in(client, agent)


@pytest.fixture
def english_agent_client(client, agent):
    """The test client, logged in as the office's agent, reading the desk in English."""
    return log_in(client, agent, language="en")
