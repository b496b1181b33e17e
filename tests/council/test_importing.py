"""Importing a council's OParl data for an office: every object once, nothing written when
nothing changed, only what changed (and what was deleted) in an incremental run, a list
given up keeps the next run complete, and two offices never share or touch each other's
rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.council.importing import import_council
from rathaus.council.models import CouncilObject, CouncilSource
from rathaus.lib.oparl import Limits
from tests.lib.oparl_fake import BASE_TIME, FakeOParl

QUICK = Limits(attempts=2, backoff_seconds=0.001, backoff_cap=0.01, read_seconds=5)


def source_for(office, server: FakeOParl) -> CouncilSource:
    return CouncilSource.objects.create(office=office, system_url=server.system_url)


def run(source: CouncilSource):
    source.refresh_from_db()
    return import_council(source, limits=QUICK, sleep=lambda seconds: None)


def stored(office) -> set[str]:
    rows = CouncilObject.objects.filter(office=office, deleted=False)
    return set(rows.values_list("oparl_id", flat=True))


def test_a_full_import_stores_every_object_once(office, fake):
    source = source_for(office, fake)
    figures = run(source)
    assert stored(office) == fake.expected_ids()
    assert figures.created == len(fake.expected_ids())
    assert figures.complete
    source.refresh_from_db()
    assert source.imported_until is not None
    assert source.last_run["created"] == figures.created
    paper = CouncilObject.objects.get(office=office, oparl_id=fake.oid("paper", 0))
    assert paper.kind == "Paper"
    item = CouncilObject.objects.filter(office=office, kind="AgendaItem").first()
    assert item.parent_id.startswith(f"{fake.url}/oparl/meeting/")


def test_a_second_run_with_nothing_changed_writes_no_object(office, fake):
    source = source_for(office, fake)
    run(source)
    with CaptureQueriesContext(connection) as queries:
        figures = run(source)
    assert (figures.created, figures.changed) == (0, 0)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "council_councilobject" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert writes == []


def test_an_incremental_run_takes_what_changed_and_what_was_deleted(office, fake):
    source = source_for(office, fake)
    run(source)
    source.refresh_from_db()
    later = source.imported_until + timedelta(minutes=5)
    changed = fake.change("paper", 3, later)
    gone = fake.change("person", 1, later, deleted=True)

    figures = run(source)

    assert figures.read < 10  # only what was modified since the last run (and the system)
    assert figures.changed >= 1
    assert figures.deleted == 1
    assert CouncilObject.objects.get(office=office, oparl_id=gone).deleted
    assert gone not in stored(office)
    assert changed in stored(office)
    assert any("modified_since=" in path for path in fake.requests)


def test_a_list_given_up_keeps_the_next_run_complete(office, fake):
    source = source_for(office, fake)
    fake.fail("/paper", times=50)
    figures = run(source)
    assert not figures.complete
    assert any("/paper" in url for url in figures.failed_lists)
    source.refresh_from_db()
    assert source.imported_until is None  # the next run reads every list in full
    fake._failures.clear()
    assert run(source).complete
    assert stored(office) == fake.expected_ids()


def test_two_offices_linked_to_one_council_keep_their_own_rows(office, other_office, fake):
    mine, theirs = source_for(office, fake), source_for(other_office, fake)
    run(mine)
    run(theirs)
    assert stored(office) == stored(other_office) == fake.expected_ids()
    fake.change("person", 2, BASE_TIME + timedelta(days=3650), deleted=True)
    run(mine)
    gone = fake.oid("person", 2)
    assert gone not in stored(office)
    assert gone in stored(other_office)  # their rows are theirs until their own import


def test_the_command_links_the_office_and_prints_the_counts(office, fake, capsys):
    call_command("oparl_import", fake.system_url, "--office", office.slug)
    out = capsys.readouterr().out
    assert f"{len(fake.expected_ids())} new" in out
    assert CouncilSource.objects.get(office=office).system_url == fake.system_url


def test_the_command_refuses_a_non_web_address_and_an_unknown_office(office):
    with pytest.raises(CommandError, match="http"):
        call_command("oparl_import", "file:///etc/passwd", "--office", office.slug)
    with pytest.raises(CommandError, match="no office"):
        call_command("oparl_import", "https://example.org/oparl", "--office", "nirgendwo")
    assert not CouncilSource.objects.exists()


def test_a_private_address_that_is_not_allowed_is_refused(office, settings):
    settings.FEDERATION_PRIVATE_HOSTS = []
    with FakeOParl() as server, pytest.raises(CommandError, match="refused"):
        call_command("oparl_import", server.system_url, "--office", office.slug)
    assert not CouncilObject.objects.exists()


def test_a_run_stopped_half_way_goes_on_where_it_stopped(office, fake, monkeypatch):
    from rathaus.council import importing

    monkeypatch.setattr(importing, "BATCH", 20)
    source = source_for(office, fake)
    batches = []

    def stop_after_three(figures):
        batches.append(figures.read)
        if len(batches) == 3:
            raise KeyboardInterrupt  # Ctrl-C, or a crash, after the third batch was stored

    with pytest.raises(KeyboardInterrupt):
        import_council(source, limits=QUICK, sleep=lambda s: None, progress=stop_after_three)
    stopped = timezone.now()
    source.refresh_from_db()
    assert source.resume  # where each list got to, everything before it stored
    assert source.imported_until is None

    figures = run(source)

    assert stored(office) == fake.expected_ids()  # nothing lost in between
    assert figures.complete
    assert figures.read < len(fake.expected_ids())  # not from the start again
    source.refresh_from_db()
    assert source.resume == {}
    # Changes are asked for since the first run began: the lists it finished were not
    # read again by the second.
    assert source.imported_until < stopped
    assert source.resume_started is None
