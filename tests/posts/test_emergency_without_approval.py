"""An office may let emergency warnings skip the second pair of eyes; it is then flagged."""

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.posts import lifecycle
from rathaus.posts.models import Post


@pytest.fixture
def warning(office, editor):
    return lifecycle.create_draft(
        office,
        by=editor,
        title="Unwetterwarnung: Orkanböen",
        body="Bitte meiden Sie Parks.",
        category="emergency",
    )


def test_it_publishes_an_emergency_without_approval_when_allowed(office, warning, editor):
    office.emergency_skips_approval = True
    office.save()
    lifecycle.publish(warning, by=editor)
    warning.refresh_from_db()
    assert warning.status == Post.Status.PUBLISHED and warning.published_without_approval
    entry = AuditEntry.objects.get(action="published", subject_id=warning.pk)
    assert entry.flagged and entry.actor == editor


def test_it_requires_approval_for_emergencies_by_default(warning, editor):
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.publish(warning, by=editor)


def test_other_categories_never_skip_approval(office, draft, editor):
    office.emergency_skips_approval = True
    office.save()
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.publish(draft, by=editor)
