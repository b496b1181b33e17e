"""The OParl reader against a fake council information system on loopback: every object
once, pages by their next links only, incremental reads, the known faults of SD.NET RIM,
ALLRIS and SessionNet servers, resuming a list after it failed, and the address guard."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from rathaus.lib import netguard
from rathaus.lib.oparl import Reader
from rathaus.lib.oparl_http import FetchError, Limits, parse_json
from rathaus.lib.oparl_objects import GENERIC, Notes, detect_vendor, split
from tests.lib.oparl_fake import BASE_TIME, FakeOParl

EXAMPLES = Path(__file__).parent / "fixtures" / "oparl"
QUICK = Limits(attempts=3, backoff_seconds=0.001, backoff_cap=0.01, read_seconds=5)


@pytest.fixture
def loopback(settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]


@pytest.fixture
def fake(loopback):
    with FakeOParl() as server:
        yield server


def reader(server: FakeOParl, **options) -> Reader:
    options.setdefault("limits", QUICK)
    return Reader(server.system_url, sleep=lambda seconds: None, **options)


def by_id(objects):
    return {obj.id: obj for obj in objects}


def list_url(server: FakeOParl, name: str) -> str:
    return f"{server.url}/oparl/body/0/{name}"


# ----- a full read -------------------------------------------------------------------------


def test_a_full_read_yields_every_object_exactly_once(fake):
    read = reader(fake)
    objects = list(read.read())
    ids = [obj.id for obj in objects]
    assert len(ids) == len(set(ids))
    assert set(ids) == fake.expected_ids()
    assert read.failures == {}
    assert set(read.positions.values()) == {None}  # every list read to its end
    assert read.repeated > 0  # embedded objects came again in their own lists, yielded once
    kinds = {obj.type for obj in objects}
    assert {"System", "Body", "LegislativeTerm", "Paper", "Meeting", "AgendaItem"} <= kinds
    assert {"Consultation", "File", "Location", "Membership", "Person"} <= kinds


def test_lists_are_walked_by_next_links_only(fake):
    list(reader(fake).read())
    paper_pages = [path for path in fake.requests if path.startswith("/oparl/body/0/paper")]
    # The fake's next links carry an opaque cursor and a limit of 1000 that lies (pages
    # hold 5): a reader computing pages would ask for other pages or fewer of them.
    assert len(paper_pages) == fake.papers // fake.page_size + 1
    assert len(set(paper_pages)) == len(paper_pages)
    assert all("cursor=" in path for path in paper_pages[1:])
    assert not any("page=" in path for path in fake.requests)


def test_embedded_objects_are_split_out_and_point_back(fake):
    objects = by_id(reader(fake).read())
    paper = objects[fake.oid("paper", 2)]
    consultation = objects[paper.data["consultation"][0]]
    assert consultation.type == "Consultation"
    assert consultation.data["paper"] == paper.id
    main_file = objects[paper.data["mainFile"]]
    assert main_file.type == "File" and paper.id in main_file.data["paper"]
    meeting = objects[fake.oid("meeting", 1)]
    items = [objects[item] for item in meeting.data["agendaItem"]]
    assert [item.data["meeting"] for item in items] == [meeting.id, meeting.id]
    assert objects[meeting.data["location"]].type == "Location"
    # The fake embeds every File, AgendaItem, Consultation and Membership, which its lists
    # also hold: the copy yielded is the embedded one, which knows its parent.
    embedded = {"File", "AgendaItem", "Consultation", "Membership", "LegislativeTerm"}
    assert all(obj.parent for obj in objects.values() if obj.type in embedded)


def test_a_caller_that_stops_early_stops_the_threads(loopback):
    with FakeOParl(count=3000) as fake:  # 600 pages of papers: more than the queue holds
        objects = reader(fake).read()
        first = [next(objects) for _ in range(40)]  # into the lists read in parallel
        closing = threading.Thread(target=objects.close)
        closing.start()
        closing.join(timeout=10)
        assert not closing.is_alive()  # the threads saw the stop, none waits on a full queue
        requests_then = len(fake.requests)
        time.sleep(0.5)
        # Nobody reads on: at most the request each of the reader's threads had on the wire
        # when it stopped is logged late (on a loaded machine the server logs it after us).
        assert len(fake.requests) <= requests_then + 4
    assert len({obj.id for obj in first}) == 40


# ----- incremental -------------------------------------------------------------------------


def test_an_incremental_read_sees_only_changed_and_deleted_objects(fake):
    later = BASE_TIME + timedelta(days=2)
    changed = fake.change("paper", 3, later)
    deleted = fake.change("paper", 5, later, deleted=True)
    meeting = fake.change("meeting", 1, later)
    # Microseconds would be refused by the fake, as by some real servers.
    since = BASE_TIME + timedelta(days=1, microseconds=123456)
    read = reader(fake, since=since)
    objects = by_id(read.read())
    top_level = {obj.id for obj in objects.values() if obj.parent is None}
    assert top_level - {fake.system_url, fake.body_id} == {changed, deleted, meeting}
    assert objects[deleted].deleted and not objects[changed].deleted
    assert read.failures == {}
    assert any("modified_since=2024-01-02T00%3A00%3A00%2B00%3A00" in p for p in fake.requests)


def test_since_per_list(fake):
    later = BASE_TIME + timedelta(days=2)
    paper = fake.change("paper", 3, later)
    meeting = fake.change("meeting", 4, later)
    since = {list_url(fake, "paper"): later + timedelta(days=1)}  # other lists: everything
    objects = by_id(reader(fake, since=since, lists=["paper", "meeting"]).read())
    assert paper not in objects
    assert meeting in objects and fake.oid("meeting", 0) in objects


def test_a_next_link_that_lost_modified_since_gets_it_back(loopback, caplog):
    with FakeOParl(quirks={"drop-since-in-next"}) as fake:
        later = BASE_TIME + timedelta(days=2)
        changed = {fake.change("paper", index, later) for index in range(0, 21, 3)}  # 7
        read = reader(fake, since=BASE_TIME + timedelta(days=1), lists=["paper"])
        papers = {obj.id for obj in read.read() if obj.type == "Paper"}
    assert papers == changed
    assert read.notes.counts["dropped modified_since"] == 1
    assert caplog.text.count("lost modified_since") == 1


# ----- vendors' faults ---------------------------------------------------------------------


SDNET = {"empty-list-404", "single-body", "deleted-without-type", "location-without-type",
         "double-slash"}  # fmt: skip


def test_sdnet_rim_faults_are_repaired(loopback, caplog):
    caplog.set_level(logging.INFO, "rathaus.lib.oparl")
    with FakeOParl(vendor="sdnet", quirks=SDNET) as fake:
        later = BASE_TIME + timedelta(days=2)
        deleted = fake.change("paper", 2, later, deleted=True)
        meeting = fake.change("meeting", 0, later)
        read = reader(fake, since=BASE_TIME + timedelta(days=1))
        objects = by_id(read.read())
        invitation = objects[objects[meeting].data["invitation"]]
        assert read.download(invitation)[0].startswith(b"%PDF")  # "//" would be a 404
    assert read.vendor.name == "SD.NET RIM"
    assert read.failures == {}  # the empty lists' 404s were read as empty lists
    assert read.notes.counts["empty list 404"] >= 5
    assert fake.body_id in objects  # the body list was the Body itself
    assert objects[deleted].type == "Paper" and objects[deleted].deleted
    location = objects[objects[meeting].data["location"]]
    assert location.type == "Location"
    assert "//rim" not in invitation.data["accessUrl"]
    for line in ("read as empty", "single object", "without a type", "collapsed"):
        assert caplog.text.count(line) == 1, line


def test_sdnet_bare_empty_list(loopback):
    with FakeOParl(vendor="sdnet", quirks={"bare-empty-list"}) as fake:
        read = reader(fake, since=BASE_TIME + timedelta(days=1))
        objects = list(read.read())
    assert read.failures == {}
    assert read.notes.counts["bare list"] == 10
    assert {obj.type for obj in objects} == {"System", "Body", "LegislativeTerm"}


def test_the_404_fix_is_only_for_sdnet(loopback, caplog):
    with FakeOParl(quirks={"empty-list-404"}) as fake:
        read = reader(fake, since=BASE_TIME + timedelta(days=1), lists=["paper"])
        list(read.read())
    assert read.vendor is GENERIC
    assert "answered 404" in read.failures[list_url(fake, "paper")]
    assert "given up" in caplog.text


def test_allris_faults_are_repaired(loopback, caplog):
    quirks = {"control-characters", "auxiliary-file-object", "placeholders"}
    with FakeOParl(vendor="allris", quirks=quirks) as fake:
        read = reader(fake)
        objects = by_id(read.read())
        expected = fake.expected_ids()
    assert read.vendor.name == "ALLRIS"
    assert set(objects) == expected and read.failures == {}
    paper = objects[fake.oid("paper", 4)]
    assert paper.data["name"] == "Antrag 4mit\tSteuerzeichen"  # U+0001 dropped, tab kept
    assert "reference" not in paper.data  # "N/A"
    assert "meetingState" not in objects[fake.oid("meeting", 0)].data  # " "
    assert len(paper.data["auxiliaryFile"]) == 1
    assert objects[paper.data["auxiliaryFile"][0]].type == "File"
    for line in ("control characters", "auxiliaryFile was one object", "blank strings"):
        assert caplog.text.count(line) == 1, line


def test_sessionnet_gets_its_query_unencoded_and_spurious_500s_are_retried(loopback):
    with FakeOParl(vendor="sessionnet", quirks={"raw-query-only"}) as fake:
        changed = {fake.change("paper", i, BASE_TIME + timedelta(days=2)) for i in range(8)}
        fake.fail("/oparl/body/0/paper", 2)  # the first page, twice
        fake.fail("cursor=", 1)  # and a later page of some list once
        read = reader(fake, since=BASE_TIME + timedelta(days=1))
        papers = {obj.id for obj in read.read() if obj.type == "Paper"}
    assert read.vendor.name == "SessionNet"
    assert papers == changed and read.failures == {}
    assert any("modified_since=2024-01-02T00:00:00+00:00" in p for p in fake.requests)
    first_pages = [p for p in fake.requests if p.startswith("/oparl/body/0/paper?modified")]
    assert len(first_pages) == 3  # two 500s, then the page
    assert read.notes.counts["retried"] == 3


def test_a_generic_reader_encodes_the_query_which_sessionnet_refuses(loopback):
    with FakeOParl(quirks={"raw-query-only"}) as fake:
        read = reader(fake, since=BASE_TIME, lists=["paper"])
        list(read.read())
    assert "answered 400" in read.failures[list_url(fake, "paper")]


# ----- failures, resuming, limits ----------------------------------------------------------


def test_a_list_that_keeps_failing_is_given_up_and_resumed_later(fake, caplog):
    fake.fail("/oparl/body/0/paper?cursor=", QUICK.attempts)  # page 2 fails every attempt
    first = reader(fake)
    seen = {obj.id for obj in first.read()}
    papers = list_url(fake, "paper")
    assert "answered 500" in first.failures[papers]
    stuck_at = first.positions[papers]
    assert "cursor=" in stuck_at
    assert caplog.text.count("given up") == 1 and stuck_at in caplog.text
    assert fake.oid("paper", 0) in seen and fake.oid("paper", 22) not in seen
    assert {path for path, at in first.positions.items() if at} == {papers}

    asked_before = len(fake.requests)
    second = reader(fake, resume=first.positions)
    seen |= {obj.id for obj in second.read()}
    assert seen == fake.expected_ids()
    assert second.failures == {} and second.positions[papers] is None
    lists_asked = {p.split("?")[0] for p in fake.requests[asked_before:] if "/body/0/" in p}
    assert lists_asked == {"/oparl/body/0/paper"}  # only the unfinished list
    assert fake.requests[asked_before + 2] == stuck_at.removeprefix(fake.url)


def test_an_answer_over_the_size_limit_fails_its_list_only(fake):
    read = reader(fake, limits=Limits(max_bytes=6000, attempts=1))
    objects = list(read.read())
    assert any("larger than 6000 bytes" in why for why in read.failures.values())
    assert any(obj.type == "Organization" for obj in objects)  # small pages got through


def test_an_html_answer_fails_its_list_only(loopback, caplog):
    with FakeOParl(quirks={"html-papers"}) as fake:
        read = reader(fake)
        objects = list(read.read())
    assert read.failures == {list_url(fake, "paper"): "answered HTML instead of JSON"}
    assert any(obj.type == "Meeting" for obj in objects)
    assert caplog.text.count("given up") == 1


def test_a_reference_in_no_list_raises_for_the_caller_to_retry_later(fake):
    read = reader(fake)
    read.system()
    (paper,) = [obj for obj in read.fetch(fake.oid("paper", 1), "Paper") if obj.type == "Paper"]
    assert paper.id == fake.oid("paper", 1)
    with pytest.raises(FetchError) as failed:
        read.fetch(fake.oid("paper", fake.papers), "Paper")
    assert failed.value.status == 404


def test_files_are_downloaded_and_an_html_page_instead_is_refused(loopback):
    with FakeOParl() as fake:
        read = reader(fake)
        files = [obj for obj in read.read() if obj.type == "File"]
        content, content_type = read.download(files[0])
    assert content.startswith(b"%PDF") and content_type == "application/pdf"
    with FakeOParl(quirks={"html-files"}) as fake:
        read = reader(fake)
        files = [obj for obj in read.read() if obj.type == "File"]
        with pytest.raises(FetchError, match="answered HTML instead of the file"):
            read.download(files[0])


def test_a_server_that_is_not_allow_listed_is_refused(settings):
    settings.FEDERATION_PRIVATE_HOSTS = []
    with FakeOParl() as fake, pytest.raises(netguard.Refused):
        list(reader(fake).read())
    assert fake.requests == []


def test_an_object_whose_id_is_not_its_url_is_noted(loopback, caplog):
    with FakeOParl(quirks={"id-differs"}) as fake:
        read = reader(fake)
        read.system()
        body = read.fetch(f"{fake.url}/oparl/body/0", "Body")
    assert body[0].id == fake.body_id
    assert read.notes.counts["id differs"] == 1
    assert "differs from the URL" in caplog.text


# ----- the spec's examples and single repairs -----------------------------------------------


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}-01.json").read_text())


@pytest.mark.parametrize(
    "name", ["System", "Body", "Organization", "Person", "Meeting", "Paper", "File", "Location"]
)
def test_the_spec_examples_are_read(name):
    objects = split(example(name), name, GENERIC, Notes(), where=name)
    assert objects[0].type == name and objects[0].id == example(name)["id"]
    assert objects[0].modified is not None and objects[0].modified.tzinfo is not None
    assert all(obj.parent == objects[0].id for obj in objects[1:])


def test_the_spec_examples_known_defects_are_noted():
    notes = Notes()
    meeting = split(example("Meeting"), "Meeting", GENERIC, notes, where="Meeting-01")
    location = next(obj for obj in meeting if obj.type == "Location")
    assert location.data["geojson"]["geometry"]["coordinates"] == [10.4321, 50.1234]
    files = [obj.id for obj in meeting if obj.type == "File"]
    assert len(files) == 4 and len(set(files)) == 1  # the example's own defect
    paper = split(example("Paper"), "Paper", GENERIC, notes, where="Paper-01")
    location = next(obj for obj in paper if obj.type == "Location")
    assert location.data["geojson"]["type"] == "Feature"
    assert location.data["geojson"]["geometry"]["coordinates"] == [7.03291, 50.98249]
    assert notes.counts["swapped coordinates"] == 1 and notes.counts["bare point"] == 1
    assert detect_vendor(example("System")) is GENERIC


def test_created_after_modified_is_noted():
    notes = Notes()
    data = {"id": "x", "type": "Paper", "created": "2024-02-01T00:00:00+00:00",
            "modified": "2024-01-01T00:00:00+00:00"}  # fmt: skip
    (paper,) = split(data, "Paper", GENERIC, notes, where="x")
    assert paper.data["created"] == paper.data["modified"]
    assert notes.counts["created after modified"] == 1


def test_json_is_parsed_strictly_unless_it_has_raw_control_characters():
    assert parse_json(b'{"name": "Rat\\u0001"}') == ({"name": "Rat\x01"}, False)
    assert parse_json(b'{"name": "Ra\x00t\x1f\n"}') == ({"name": "Rat\n"}, True)
    with pytest.raises(ValueError):
        parse_json(b'{"name": ')


def test_a_list_entry_without_id_is_skipped_and_an_embedded_one_named_by_its_place():
    notes = Notes()
    assert split({"type": "Meeting", "name": "Rat"}, "Meeting", GENERIC, notes, where="x") == []
    meeting = {"id": "m", "type": "Meeting", "location": {"description": "Saal 1"}}
    objects = split(meeting, "Meeting", GENERIC, notes, where="x")
    assert [(obj.type, obj.id) for obj in objects] == [("Meeting", "m"), ("Location", "m#location")]
    assert objects[1].data["meetings"] == ["m"]
    assert notes.counts["no id"] == 1 and notes.counts["missing type"] == 1
