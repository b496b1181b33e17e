"""The fake OParl server of the tests (tests/lib/oparl_fake.py) in a process of its own, for
bench.oparl_import: so that the importer's CPU and memory are measured alone.

    python -m bench.oparl_server PAPERS MEETINGS PERSONS PAGE_SIZE

Prints its System URL, then follows commands on stdin, one per line, answering "ok":
``change KIND FIRST LAST ISO`` (objects FIRST..LAST-1 modified at ISO) and ``delete KIND
FIRST LAST ISO``.
"""

from __future__ import annotations

import sys
from datetime import datetime

from tests.lib.oparl_fake import FakeOParl


def main() -> None:
    papers, meetings, persons, page_size = (int(value) for value in sys.argv[1:5])
    fake = FakeOParl(count=papers, meetings=meetings, persons=persons, page_size=page_size)
    fake.start()
    print(fake.system_url, flush=True)
    for line in sys.stdin:
        verb, kind, first, last, when = line.split()
        for index in range(int(first), int(last)):
            fake.change(kind, index, datetime.fromisoformat(when), deleted=verb == "delete")
        fake.requests.clear()  # the log of a big import would only grow
        print("ok", flush=True)


if __name__ == "__main__":
    main()
