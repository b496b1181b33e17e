"""LinkedIn tokens expire after 60 days: the account carries that date, so the dashboard
and the daily mail warn the admins a week before, not after the first failed post."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from rathaus.connectors import accounts
from tests.fakes.linkedin import TOKEN

pytestmark = pytest.mark.usefixtures("loopback_platforms")


def test_admins_are_warned_a_week_before_the_token_expires(fake, office, office_admin):
    office_admin.email = "otto@mitte.example"
    office_admin.save()
    account = accounts.connect(
        office, "linkedin", {"access_token": TOKEN}, api_base=fake.url, by=office_admin
    )
    assert accounts.attention(office) == []
    assert accounts.warn_expiring() == 0

    with time_machine.travel(timezone.now() + timedelta(days=54)):
        assert accounts.attention(office) == [account]
        assert accounts.warn_expiring() == 1

    [warning] = mail.outbox
    assert warning.to == ["otto@mitte.example"]
    assert "LinkedIn" in warning.subject
