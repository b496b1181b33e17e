"""An FAQ entry reaches the public page only when an approver or office admin of its
office publishes it; both publishing and taking it off are logged."""

import pytest

from rathaus.answers.models import FaqEntry
from rathaus.answers.reuse import publish_faq, unpublish_faq
from rathaus.audit.log import history
from rathaus.offices.access import LifecycleError


@pytest.fixture
def entry(office):
    return FaqEntry.objects.create(
        office=office, question="Wann werden Bäume gefällt?", answer="Von Oktober bis Februar."
    )


@pytest.mark.parametrize("who", ["approver", "office_admin"])
def test_an_approver_or_admin_publishes(entry, request, who):
    person = request.getfixturevalue(who)
    publish_faq(entry, by=person)
    entry.refresh_from_db()
    assert entry.published
    [logged] = history(entry)
    assert (logged.action, logged.actor) == ("faq_published", person)


@pytest.mark.parametrize("who", ["agent", "editor", "outsider"])
def test_others_cannot_publish(entry, request, who):
    with pytest.raises(LifecycleError):
        publish_faq(entry, by=request.getfixturevalue(who))
    entry.refresh_from_db()
    assert not entry.published
    assert not history(entry).exists()


def test_an_approver_takes_an_entry_off_the_page(entry, approver):
    publish_faq(entry, by=approver)
    unpublish_faq(entry, by=approver)
    entry.refresh_from_db()
    assert not entry.published
    assert [e.action for e in history(entry)] == ["faq_unpublished", "faq_published"]


def test_publishing_twice_is_refused(entry, approver, english_messages):
    publish_faq(entry, by=approver)
    with pytest.raises(LifecycleError, match="published already"):
        publish_faq(entry, by=approver)
    assert history(entry).count() == 1


def test_publishing_expires_the_offices_cached_pages(entry, approver, office):
    version = office.content_version
    publish_faq(entry, by=approver)
    office.refresh_from_db()
    assert office.content_version == version + 1
