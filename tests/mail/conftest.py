"""Fixtures the mail tests share (the office's own mailbox is in tests/conftest.py)."""

import pytest

from rathaus.mail.models import Mailbox


@pytest.fixture
def other_mailbox(other_office):
    """The other office's mailbox: mail to it is never ``office``'s."""
    return Mailbox.objects.create(office=other_office, address="post@nord.example")
