"""The Instagram connector's tests run against a fake of Meta's Graph API on loopback."""

import pytest

from tests.fakes.graph import FakeGraph, publish_with_images
from tests.fakes.server import serving
from tests.helpers import png

graph = serving(FakeGraph)


@pytest.fixture
def connected_account(graph, connect_account):
    """The office's business account bezirksamt.mitte, reached with its page's token."""
    return graph.connect(connect_account, "instagram")


@pytest.fixture
def publish_photo_post(office, editor, approver, django_capture_on_commit_callbacks):
    """A factory: a published post with one image (Instagram takes nothing else)."""
    return lambda: publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )
