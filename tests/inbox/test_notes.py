"""Internal notes stay internal and notify the colleagues they name."""

import pytest

from rathaus.inbox import work
from rathaus.inbox.models import Message
from rathaus.notifications.models import Notification
from rathaus.offices.access import LifecycleError
from tests.helpers import ask


@pytest.fixture
def conversation(office):
    return ask(office, "?", channel="contact", remote_id="c:1").conversation


def test_a_note_names_a_colleague_who_is_notified(conversation, agent, office_admin, outsider):
    text = f"@{office_admin.username} weißt du das? @{outsider.username} nicht."
    note = work.add_note(conversation, text, by=agent)
    assert note.direction == Message.Direction.NOTE
    assert "<script" not in work.add_note(conversation, "<script>x</script>", by=agent).text_html
    # Only members of the office are notified, never someone of another office.
    assert list(Notification.objects.values_list("user__username", flat=True)) == [
        office_admin.username
    ]


def test_an_empty_note_is_refused(conversation, agent):
    with pytest.raises(LifecycleError):
        work.add_note(conversation, "   ", by=agent)


def test_an_outsider_cannot_write_notes(conversation, outsider):
    with pytest.raises(LifecycleError):
        work.add_note(conversation, "hallo", by=outsider)
    assert not Message.objects.filter(direction=Message.Direction.NOTE).exists()


def test_nothing_is_added_to_an_anonymised_conversation(conversation, agent):
    from django.utils import timezone

    conversation.anonymised_at = timezone.now()
    conversation.save()
    with pytest.raises(LifecycleError):
        work.add_note(conversation, "x", by=agent)
