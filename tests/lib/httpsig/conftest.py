"""Fixtures the HTTP signature tests share."""

import pytest

from rathaus.lib.httpsig import generate_key_pair


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    """A key pair (private, public PEM) of the module's own."""
    return generate_key_pair()
