"""Reading a council's OParl server: System → Body → the Body's lists, as flat objects.

``Reader(system_url).read()`` yields every object once (:class:`OParlObject`: short
``type``, ``id``, ``modified``, ``deleted``, cleaned ``data``), embedded objects split out
with a back-reference (see :mod:`rathaus.lib.oparl_objects`). The lists are walked by
their ``links.next`` only: page numbers and ``limit`` are never computed nor trusted, as
servers' own numbers are wrong or their cursors opaque. The Body's lists are read in
parallel by a few threads; their objects reach the caller through one bounded queue, so
memory stays flat however big the lists are.

Incremental reading: ``since`` (one time, or one per list URL, from the last successful
run) is sent as ``modified_since`` in UTC without microseconds (some servers reject
them) and appended again to a ``next`` link that lost it. Deleted objects then come
with ``deleted=True``.

A list that keeps failing (after :class:`~rathaus.lib.oparl_http.Fetcher`'s retries) is
given up with one log line; the others go on. ``positions`` holds, per list URL, the page
still to be read (``None``: read to the end); a new reader given it as ``resume`` reads
only what is missing, starting at those pages. ``taken`` is the same for the pages whose
every object the caller has taken (``positions`` runs ahead by what waits in the queue):
a caller that stores what it took resumes from ``taken`` after a crash without a gap.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from rathaus.lib import netguard
from rathaus.lib.oparl_http import Answer, Fetcher, FetchError, Limits
from rathaus.lib.oparl_objects import GENERIC, Notes, OParlObject, detect_vendor, split

__all__ = ["LISTS", "FetchError", "Limits", "OParlObject", "Reader"]

logger = logging.getLogger(__name__)

# The Body's external lists read, with the type of their entries (OParl 1.1; a 1.0
# server lacks the 1.1 ones), in two rounds. The second round's objects are mostly
# embedded in the first round's (a Paper's Files, a Meeting's AgendaItems): read after
# them, their embedded copy, which knows its parent, is the one yielded, and the lists
# add only what is embedded nowhere. Within a round the lists are read in parallel.
FIRST_ROUND: dict[str, str] = {
    "organization": "Organization",
    "person": "Person",
    "meeting": "Meeting",
    "paper": "Paper",
}
SECOND_ROUND: dict[str, str] = {
    "legislativeTermList": "LegislativeTerm",
    "locationList": "Location",
    "membership": "Membership",
    "agendaItem": "AgendaItem",
    "consultation": "Consultation",
    "file": "File",
}
LISTS = FIRST_ROUND | SECOND_ROUND
_DONE = object()  # a list's thread is through
_PAGE = object()  # marks the end of a page's objects in the queue


class Reader:
    """Reads one OParl system (or one body of it, ``body_id``)."""

    def __init__(
        self,
        system_url: str,
        *,
        body_id: str | None = None,
        since: datetime | Mapping[str, datetime] | None = None,
        resume: Mapping[str, str | None] | None = None,
        lists: Iterable[str] = tuple(LISTS),
        limits: Limits | None = None,
        workers: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.system_url = system_url
        self.body_id = body_id
        self.since = since
        self.resume = dict(resume or {})
        self.lists = [name for name in lists if name in LISTS]
        self.workers = max(1, workers)
        self.notes = Notes()  # the repairs made, counted by kind
        self.fetcher = Fetcher(
            limits, sleep=sleep, on_retry=lambda url, why: self.notes.note("retried", url)
        )
        self.vendor = GENERIC
        self.positions: dict[str, str | None] = {}  # list URL → page still to read
        # The same, counting only pages whose every object the caller has taken: a caller
        # that stores what it took can resume from here after a crash without a gap.
        self.taken: dict[str, str | None] = {}
        self._next: dict[str, str | None] = {}  # list URL → the page after the one read
        self.failures: dict[str, str] = {}  # list URL → why it was given up
        self.repeated = 0  # objects seen twice (embedded and in their own list)
        self._seen: set[str] = set()

    # ----- the whole system ------------------------------------------------------------

    def read(self) -> Iterator[OParlObject]:
        """Every object of the system, each once. Raises only if the System or the Body
        list cannot be read (:class:`FetchError`, :class:`netguard.Refused`)."""
        system = self.system()
        yield from self._once(split(system, "System", self.vendor, self.notes,
                                    where=self.system_url))  # fmt: skip
        bodies: list[OParlObject] = []
        if self.body_id:
            found = self.fetch(self.body_id, "Body")
        elif isinstance(system.get("body"), str):
            found = [obj for page in self._pages(system["body"], "Body", track=False)
                     for obj in page]  # fmt: skip
        else:
            raise FetchError(self.system_url, "the System names no body list")
        for obj in found:
            bodies += [obj] if obj.type == "Body" and not obj.parent and not obj.deleted else []
        yield from self._once(found)
        for round_ in (FIRST_ROUND, SECOND_ROUND):
            jobs = [
                (body.data[name], LISTS[name])
                for body in bodies
                for name in self.lists
                if name in round_
                and isinstance(body.data.get(name), str)
                and self.resume.get(body.data[name], "") is not None  # None: read to the end
            ]
            yield from self._once(self._in_parallel(jobs))

    def system(self) -> dict[str, Any]:
        """The System object; recognises the vendor from it."""
        answer = self._get(self.system_url)
        if not isinstance(answer.data, dict):
            raise FetchError(self.system_url, "the System is not a JSON object")
        self._check_id(answer)
        self.vendor = detect_vendor(answer.data)
        logger.info("OParl: %s is read as %s", self.system_url, self.vendor.name)
        return answer.data

    def fetch(self, url: str, expected: str) -> list[OParlObject]:
        """One object by its URL, with its embedded ones: for references found in no list
        (the caller keeps a placeholder and retries later if this raises)."""
        answer = self._get(url)
        self._check_id(answer)
        return split(answer.data, expected, self.vendor, self.notes, where=url)

    def download(self, file: OParlObject) -> tuple[bytes, str]:
        """A File's content and content type (raises :class:`FetchError`, also for an
        HTML page where the file was promised)."""
        url = file.data.get("downloadUrl") or file.data.get("accessUrl")
        if not isinstance(url, str) or not url:
            raise FetchError(file.id, "the File names no URL")
        return self.fetcher.download(url)

    def since_for(self, list_url: str) -> datetime | None:
        if isinstance(self.since, Mapping):
            return self.since.get(list_url)
        return self.since

    # ----- lists ------------------------------------------------------------------------

    def _in_parallel(self, jobs: list[tuple[str, str]]) -> Iterator[OParlObject]:
        """The lists' objects, each list read by one of a few threads."""
        if not jobs:
            return
        found: queue.Queue[Any] = queue.Queue(maxsize=2000)
        stop = threading.Event()

        def put(item: Any) -> bool:
            while not stop.is_set():
                try:
                    found.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def read_list(list_url: str, expected: str) -> None:
            try:
                for page in self._pages(list_url, expected):
                    for obj in page:
                        if not put(obj):
                            return
                    if not put((_PAGE, list_url, self._next.get(list_url))):
                        return
            except Exception:  # a bug of ours in one list must not stop the others
                logger.exception("OParl: reading %s failed", list_url)
                self.failures[list_url] = "unexpected error"
            finally:
                put(_DONE)

        with ThreadPoolExecutor(min(self.workers, len(jobs)), "oparl") as pool:
            for job in jobs:
                pool.submit(read_list, *job)
            remaining = len(jobs)
            try:
                while remaining:
                    item = found.get()
                    if item is _DONE:
                        remaining -= 1
                    elif isinstance(item, tuple) and item[0] is _PAGE:
                        # Every object before this mark has been yielded and taken.
                        self.taken[item[1]] = item[2]
                    else:
                        yield item
            finally:
                stop.set()  # the caller stopped early: the threads end at their next object

    def _pages(
        self, list_url: str, expected: str, *, track: bool = True
    ) -> Iterator[list[OParlObject]]:
        """A list's pages, as objects, following ``links.next`` only."""
        since = self.since_for(list_url) if track else None  # the few bodies: all of them
        url = (self.resume.get(list_url) if track else None) or list_url
        if since is not None and "modified_since=" not in urlsplit(url).query:
            url = self._with_since(url, since)
        read: set[str] = set()
        while url:
            if track:
                self.positions[list_url] = url
            if url in read:
                self.notes.note("next loops", url)
                break
            read.add(url)
            try:
                answer = self._get(url)
            except FetchError as error:
                if self._empty_list_error(error):
                    self.notes.note("empty list 404", url)
                    break
                self._give_up(list_url, url, error.reason, track)
                return
            except netguard.Refused as error:
                self._give_up(list_url, url, f"refused: {error}", track)
                return
            entries, next_url = self._entries(answer)
            if next_url and since is not None and "modified_since=" not in next_url:
                self.notes.note("dropped modified_since", next_url)
                next_url = self._with_since(next_url, since)
            if track:
                self._next[list_url] = next_url
            yield [
                obj
                for entry in entries
                for obj in split(entry, expected, self.vendor, self.notes, where=url)
            ]
            url = next_url
        if track:
            self.positions[list_url] = None

    def _give_up(self, list_url: str, url: str, reason: str, track: bool) -> None:
        logger.error("OParl: list %s given up at %s (%s); resumable from there", list_url,
                     url, reason)  # fmt: skip
        if not track:
            raise FetchError(url, reason)
        self.failures[list_url] = reason

    def _entries(self, answer: Answer) -> tuple[list[Any], str | None]:
        """A page's entries and its next link."""
        data = answer.data
        if isinstance(data, list):  # SD.NET: [] for an empty list
            self.notes.note("bare list", answer.url)
            return data, None
        if isinstance(data, dict) and "data" in data:
            entries = data["data"]
            links = data.get("links")
            next_url = links.get("next") if isinstance(links, dict) else None
            if not isinstance(next_url, str) or not next_url:
                next_url = None
            else:  # a relative link is relative to the page
                next_url = urljoin(answer.url, next_url)
            return (entries if isinstance(entries, list) else [entries]), next_url
        if isinstance(data, dict) and data.get("id"):  # SD.NET: /body answers one Body
            self.notes.note("single object", answer.url)
            return [data], None
        raise FetchError(answer.url, "neither a list page nor an object")

    def _empty_list_error(self, error: FetchError) -> bool:
        """SD.NET answers 404 with its error code 802 for an empty filtered list."""
        code = self.vendor.empty_list_code
        return (
            code is not None
            and error.status == 404
            and isinstance(error.data, dict)
            and str(error.data.get("code")) == str(code)
            and "modified_since=" in error.url
        )

    def _with_since(self, url: str, since: datetime) -> str:
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        value = since.astimezone(UTC).replace(microsecond=0).isoformat()
        if not self.vendor.raw_query:
            value = quote(value, safe="")  # "+" would otherwise be read as a space
        parts = urlsplit(url)
        glue = "&" if parts.query else ""
        return parts._replace(query=f"{parts.query}{glue}modified_since={value}").geturl()

    # ----- one answer -------------------------------------------------------------------

    def _get(self, url: str) -> Answer:
        answer = self.fetcher.get_json(url)
        if answer.repaired:
            self.notes.note("control characters", url)
        return answer

    def _check_id(self, answer: Answer) -> None:
        said = answer.data.get("id") if isinstance(answer.data, dict) else None
        if isinstance(said, str) and said.rstrip("/") != answer.url.rstrip("/"):
            self.notes.note("id differs", f"{answer.url} says {said}")

    def _once(self, objects: Iterable[OParlObject]) -> Iterator[OParlObject]:
        for obj in objects:
            if obj.id in self._seen:
                self.repeated += 1
                continue
            self._seen.add(obj.id)
            yield obj
