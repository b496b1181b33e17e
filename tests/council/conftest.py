import pytest

from tests.lib.oparl_fake import FakeOParl


@pytest.fixture
def fake(settings):
    """A fake OParl server on loopback, which the address guard admits as an operator
    admits an internal host."""
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    with FakeOParl() as server:
        yield server
