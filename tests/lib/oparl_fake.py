"""A fake OParl 1.1 server on 127.0.0.1, for the reader's tests and a later benchmark.

It serves a System, one Body and the Body's lists, generated on the fly from a small
model (object ``i`` of a kind is a function of ``i``), so ``papers=100_000`` holds no
100,000 JSON strings. Lists are paged by an opaque cursor; the ``limit`` in the next links
and the ``pagination`` block lie, and a ``page`` parameter is refused, so a client that
computes pages fails. ``modified_since`` is honoured (changed and deleted objects come
from :meth:`FakeOParl.change`); a value with microseconds, or with a "+" read as a space,
is refused as real servers do.

Each known fault of real servers is a mode, switched on by name in ``quirks`` (see
:data:`QUIRKS`); ``vendor`` makes the System look like SD.NET RIM, ALLRIS or SessionNet.
``fail(path_part, times)`` answers the next requests whose path contains ``path_part``
with 500s. ``count`` is the number of papers, for a benchmark. ``requests`` lists every
path and query asked for, as sent.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.server import serve_in_thread, stop_serving

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
SPEC = "https://schema.oparl.org/1.1/"

QUIRKS = frozenset(
    {
        # SD.NET RIM
        "empty-list-404",  # an empty filtered list answers 404 with error code 802
        "bare-empty-list",  # an empty filtered list answers []
        "single-body",  # the body list answers the Body itself
        "deleted-without-type",  # deleted objects come without type
        "location-without-type",  # embedded Locations come without type
        "double-slash",  # file URLs with "//" in the path
        # ALLRIS
        "control-characters",  # raw U+0001 and tab inside paper names
        "auxiliary-file-object",  # a paper's auxiliaryFile is one object, not a list
        "placeholders",  # "N/A" and blank strings
        # SessionNet
        "raw-query-only",  # a percent-encoded query string is refused (400)
        # generic
        "drop-since-in-next",  # next links lose modified_since
        "bare-point",  # Location.geojson is a bare Point
        "swapped-coordinates",  # [lat, lon]
        "id-differs",  # the Body's id is not the URL it is served at
        "html-papers",  # the paper list answers a login page (HTML) with 200
        "html-files",  # file downloads answer a login page (HTML) with 200
    }
)
VENDORS = {
    "sdnet": {"contactName": "STERNBERG Software GmbH & Co. KG", "product": "SD.NET RIM"},
    "allris": {"vendor": "http://cc-egov.de/", "product": "ALLRIS net"},
    "sessionnet": {"vendor": "http://www.somacos.de", "product": "SessionNet"},
}
EMPTY_802 = {
    "error": "Die angeforderte Ressource wurde nicht gefunden.",
    "code": 802,
    "type": "SD.NET RIM Webservice",
}
# Body field → kind served by that list.
LISTS = {
    "legislativeTermList": "legislativeterm",
    "locationList": "location",
    "organization": "organization",
    "person": "person",
    "membership": "membership",
    "meeting": "meeting",
    "agendaItem": "agendaitem",
    "consultation": "consultation",
    "file": "file",
    "paper": "paper",
}
TYPES = {
    "legislativeterm": "LegislativeTerm",
    "location": "Location",
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agendaitem": "AgendaItem",
    "consultation": "Consultation",
    "file": "File",
    "paper": "Paper",
}


class Refuse(Exception):
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body


@dataclass
class FakeOParl:
    papers: int = 23
    count: int | None = None  # papers, when given (for a benchmark: 100_000)
    meetings: int = 7
    persons: int = 6
    organizations: int = 3
    page_size: int = 5
    vendor: str | None = None
    quirks: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    # (kind, index) → (modified, deleted)
    changes: dict[tuple[str, int], tuple[datetime, bool]] = field(default_factory=dict)
    _failures: list[list[Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        unknown = set(self.quirks) - QUIRKS
        assert not unknown, f"unknown quirks {unknown}"
        if self.count is not None:
            self.papers = self.count

    # ----- the model ------------------------------------------------------------------

    def size(self, kind: str) -> int:
        return {
            "legislativeterm": 2,
            "location": 3,
            "organization": self.organizations,
            "person": self.persons,
            "membership": self.persons,  # one each, embedded in the Person too
            "meeting": self.meetings,
            "agendaitem": 2 * self.meetings,
            "consultation": self.papers,  # one each, embedded in the Paper
            "file": self.meetings + 2 * self.papers,  # invitations, main and auxiliary files
            "paper": self.papers,
        }[kind]

    def oid(self, kind: str, index: int) -> str:
        return f"{self.url}/oparl/{kind}/{index}"

    def expected_ids(self) -> set[str]:
        """Every object's id a full read must yield (deleted ones are not listed)."""
        ids = {f"{self.url}/oparl/", self.body_id}
        for kind in TYPES:
            ids |= {
                self.oid(kind, i)
                for i in range(self.size(kind))
                if not self.changes.get((kind, i), (None, False))[1]
            }
        return ids

    def change(self, kind: str, index: int, when: datetime, *, deleted: bool = False) -> str:
        """Object ``index`` of ``kind`` was modified (or deleted) at ``when``; its id."""
        self.changes[(kind, index)] = (when, deleted)
        return self.oid(kind, index)

    @property
    def body_id(self) -> str:
        return self.url + ("/oparl/body/0/x" if "id-differs" in self.quirks else "/oparl/body/0")

    def make(self, kind: str, i: int) -> dict[str, Any]:
        modified, deleted = self.changes.get((kind, i), (BASE_TIME, False))
        if deleted:
            gone = {"id": self.oid(kind, i), "deleted": True, "modified": modified.isoformat()}
            if "deleted-without-type" not in self.quirks:
                gone["type"] = SPEC + TYPES[kind]
            return gone
        data = getattr(self, f"_{kind}")(i)
        data.update(id=self.oid(kind, i), type=SPEC + TYPES[kind])
        data.update(created=BASE_TIME.isoformat(), modified=modified.isoformat())
        return data

    def _legislativeterm(self, i: int) -> dict[str, Any]:
        return {"body": self.body_id, "name": f"{i + 1}. Wahlperiode"}

    def _location(self, i: int) -> dict[str, Any]:
        point = [7.0 + i / 100, 50.9]
        if "swapped-coordinates" in self.quirks:
            point.reverse()
        geometry = {"type": "Point", "coordinates": point}
        feature = {"type": "Feature", "geometry": geometry, "properties": {}}
        return {"description": f"Rathaus, Saal {i}", "geojson": geometry
                if "bare-point" in self.quirks else feature}  # fmt: skip

    def _embedded_location(self, i: int) -> dict[str, Any]:
        location = self.make("location", i % 3)
        if "location-without-type" in self.quirks:
            del location["type"]
        return location

    def _organization(self, i: int) -> dict[str, Any]:
        return {"body": self.body_id, "name": f"Ausschuss {i}", "organizationType": "Gremium"}

    def _person(self, i: int) -> dict[str, Any]:
        return {"body": self.body_id, "name": f"Ratsmitglied {i}",
                "membership": [self.make("membership", i)]}  # fmt: skip

    def _membership(self, i: int) -> dict[str, Any]:
        return {"person": self.oid("person", i),
                "organization": self.oid("organization", i % self.organizations)}  # fmt: skip

    def _meeting(self, i: int) -> dict[str, Any]:
        return {
            "name": f"{i + 1}. Sitzung",
            "meetingState": " " if "placeholders" in self.quirks else "terminiert",
            "start": "2024-02-01T17:00:00+01:00",
            "organization": [self.oid("organization", i % self.organizations)],
            "location": self._embedded_location(i),
            "invitation": self.make("file", i),
            "agendaItem": [self.make("agendaitem", 2 * i + j) for j in (0, 1)],
        }

    def _agendaitem(self, k: int) -> dict[str, Any]:
        return {"meeting": self.oid("meeting", k // 2), "number": str(k % 2 + 1),
                "name": f"Punkt {k % 2 + 1}", "public": True}  # fmt: skip

    def _consultation(self, i: int) -> dict[str, Any]:
        return {"paper": self.oid("paper", i), "role": "Beschlussfassung",
                "meeting": self.oid("meeting", i % self.meetings)}  # fmt: skip

    def _file(self, k: int) -> dict[str, Any]:
        name = f"datei-{k}.pdf"
        folder = "files//rim" if "double-slash" in self.quirks else "files/rim"
        return {"name": name, "fileName": name, "mimeType": "application/pdf",
                "accessUrl": f"{self.url}/{folder}/{name}"}  # fmt: skip

    def _paper(self, i: int) -> dict[str, Any]:
        name = f"Antrag {i}"
        if "control-characters" in self.quirks:
            name += "\x01mit\tSteuerzeichen"  # written raw by _json
        auxiliary: Any = [self.make("file", self.meetings + 2 * i + 1)]
        if "auxiliary-file-object" in self.quirks:
            auxiliary = auxiliary[0]
        return {
            "body": self.body_id,
            "name": name,
            "reference": "N/A" if "placeholders" in self.quirks else f"{i}/2024",
            "mainFile": self.make("file", self.meetings + 2 * i),
            "auxiliaryFile": auxiliary,
            "consultation": [self.make("consultation", i)],
        }

    def _system(self) -> dict[str, Any]:
        system = {"id": f"{self.url}/oparl/", "type": SPEC + "System", "name": "Fake-RIS",
                  "oparlVersion": SPEC, "body": f"{self.url}/oparl/bodies"}  # fmt: skip
        return system | VENDORS.get(self.vendor or "", {})

    def _body(self) -> dict[str, Any]:
        body = {"id": self.body_id, "type": SPEC + "Body", "system": f"{self.url}/oparl/",
                "name": "Stadt Musterstadt", "created": BASE_TIME.isoformat(),
                "modified": BASE_TIME.isoformat(),
                "legislativeTerm": [self.make("legislativeterm", i) for i in (0, 1)]}  # fmt: skip
        return body | {name: f"{self.url}/oparl/body/0/{name}" for name in LISTS}

    # ----- pages ------------------------------------------------------------------------

    def _page(self, kind: str, path: str, query: dict[str, str]) -> Any:
        if "page" in query:
            raise Refuse(400, {"error": "page is not a parameter here"})
        since = query.get("modified_since")
        if since is not None:
            when = _since(since)
            indices = sorted(i for (k, i), (m, _) in self.changes.items()
                             if k == kind and m >= when)  # fmt: skip
            if not indices and "empty-list-404" in self.quirks:
                raise Refuse(404, EMPTY_802)
            if not indices and "bare-empty-list" in self.quirks:
                return []
        else:
            gone = {i for (k, i), (_, deleted) in self.changes.items() if k == kind and deleted}
            indices = [i for i in range(self.size(kind)) if i not in gone] if gone else None
        offset = int(base64.urlsafe_b64decode(query.get("cursor", "") or "MA==").decode())
        end = offset + self.page_size
        if indices is None:  # the whole list: a slice of range(), however long the list is
            chosen = list(range(offset, min(end, self.size(kind))))
        else:
            chosen = indices[offset:end]
        page: dict[str, Any] = {
            "data": [self.make(kind, i) for i in chosen],
            "pagination": {"elementsPerPage": 1000, "currentPage": 1, "totalPages": 1},
            "links": {},
        }
        if len(chosen) == self.page_size:  # maybe more: a last, empty page is allowed
            cursor = base64.urlsafe_b64encode(str(offset + self.page_size).encode()).decode()
            next_url = f"{self.url}{path}?cursor={cursor}&limit=1000"
            if since is not None and "drop-since-in-next" not in self.quirks:
                next_url += "&modified_since=" + (
                    since if "raw-query-only" in self.quirks else _encode(since)
                )
            page["links"]["next"] = next_url
        return page

    # ----- HTTP -------------------------------------------------------------------------

    def answer(self, raw_path: str) -> tuple[int, Any]:
        parts = urlsplit(raw_path)
        if "raw-query-only" in self.quirks:
            if "%" in parts.query:
                raise Refuse(400, {"error": "invalid query"})
            query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        else:
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.rstrip("/")
        if path.startswith("/files/rim/"):  # "/files//rim/…" is not found, as on SD.NET
            return 200, b"%PDF-1.4 " + path.encode()
        if path == "/oparl":
            return 200, self._system()
        if path == "/oparl/bodies":
            body = self._body()
            return 200, body if "single-body" in self.quirks else {"data": [body], "links": {}}
        if path == "/oparl/body/0":
            return 200, self._body()
        pieces = path.split("/")
        if path.startswith("/oparl/body/0/") and pieces[-1] in LISTS:
            return 200, self._page(LISTS[pieces[-1]], parts.path, query)
        if len(pieces) == 4 and pieces[2] in TYPES and pieces[3].isdigit():
            index = int(pieces[3])
            if index < self.size(pieces[2]):
                return 200, self.make(pieces[2], index)
        raise Refuse(404, {"error": "not found"})

    def fail(self, path_part: str, times: int, status: int = 500) -> None:
        """The next ``times`` requests whose path contains ``path_part`` answer ``status``."""
        with self._lock:
            self._failures.append([path_part, times, status])

    def _scripted_failure(self, raw_path: str) -> int | None:
        with self._lock:
            for failure in self._failures:
                if failure[0] in raw_path and failure[1] > 0:
                    failure[1] -= 1
                    return failure[2]
        return None

    def _json(self, data: Any) -> bytes:
        text = json.dumps(data, ensure_ascii=False)
        if "control-characters" in self.quirks:  # as ALLRIS writes them: unescaped
            text = text.replace("\\u0001", "\x01").replace("\\t", "\t")
        return text.encode()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def system_url(self) -> str:
        return f"{self.url}/oparl/"

    def start(self) -> FakeOParl:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, each answer on a
            # kept-alive connection waited for the client's delayed ACK (40 ms).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with fake._lock:
                    fake.requests.append(self.path)
                status = fake._scripted_failure(self.path)
                try:
                    if status is not None:
                        raise Refuse(status, {"error": "scripted failure"})
                    status, data = fake.answer(self.path)
                except Refuse as refusal:
                    status, data = refusal.status, refusal.body
                if isinstance(data, bytes):
                    body, kind = data, "application/pdf"
                else:
                    body, kind = fake._json(data), "application/json; charset=utf-8"
                login = ("html-papers", "/body/0/paper"), ("html-files", "/files/")
                if any(q in fake.quirks and part in self.path for q, part in login):
                    body, kind = b"<!DOCTYPE html><title>Anmeldung</title>", "text/html"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = serve_in_thread(Handler)
        return self

    def stop(self) -> None:
        stop_serving(self._httpd)

    def __enter__(self) -> FakeOParl:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _encode(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _since(value: str) -> datetime:
    """modified_since as strict servers read it: no microseconds, a "+" that arrived as a
    space (sent unencoded to a server that decodes) is an error."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refuse(400, {"error": f"modified_since {value!r} is no date"}) from None
    if when.microsecond or when.tzinfo is None:
        raise Refuse(400, {"error": f"modified_since {value!r} not accepted"})
    return when
