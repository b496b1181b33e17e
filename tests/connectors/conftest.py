"""Fixtures for the connector tests that speak to more than one platform. Each platform's
own tests take its fake and the office's account on it from the platform's conftest
(``fake``, ``graph`` or ``telegram``, and ``connected_account``)."""

from tests.fakes.bluesky import FakeBluesky
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving

bluesky = serving(FakeBluesky)
mastodon = serving(FakeMastodon)
