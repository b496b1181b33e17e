"""The rendered pages as files, for a static file server in front of Rathaus (nginx on
each web host, README "Production"): ``manage.py mirror_pages --into DIR``.

Layout: a page whose address ends in "/" is ``DIR<path>index.html``, any other address is
``DIR<path>`` (``/mitte/feed.rss``). Each file is written to a temporary name in its
folder and renamed over the old one, so a reader gets the old page or the new one, never
half of either. Files of pages that are gone are removed; at start, every file the rows do
not name (left from pages removed while the mirror was not running) is removed too.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from rathaus.rendering import following

log = logging.getLogger(__name__)
INDEX = "index.html"


def file_for(root: Path, path: str) -> Path:
    """Where the page at ``path`` lies under ``root``; refuses anything outside it."""
    relative = path.lstrip("/") + (INDEX if path.endswith("/") else "")
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or ".." in Path(relative).parts:
        raise ValueError(f"not under the rendered folder: {path!r}")
    return target


def write_atomically(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".rendering-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        os.chmod(temporary, 0o644)  # read by the static server's own user
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Mirror:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.follower = following.Follower()
        self.written: dict[str, object] = {}

    def sync(self) -> int:
        """Bring the folder up to the rows; returns the number of files written or removed."""
        first = self.follower.since is None
        done = 0
        wanted: set[Path] = set()
        for entry in self.follower.changes():
            try:
                target = file_for(self.root, entry.path)
            except ValueError:
                log.warning("mirror: skipped %r", entry.path)
                continue
            if entry.gone:
                if target.exists():
                    target.unlink()
                    done += 1
                self.written.pop(entry.path, None)
                continue
            wanted.add(target)
            if self.written.get(entry.path) == entry.changed_at:
                continue
            body = following.body(entry)
            if body is None:
                continue  # changed or gone since: the next look has it
            write_atomically(target, body)
            self.written[entry.path] = entry.changed_at
            done += 1
        if first:
            done += self._remove_others(wanted)
        return done

    def _remove_others(self, wanted: set[Path]) -> int:
        removed = 0
        for file in self.root.rglob("*"):
            if file.is_file() and file.resolve() not in wanted:
                file.unlink()
                removed += 1
        return removed

    def follow(self, interval: float) -> None:
        while True:
            try:
                self.sync()
            except Exception:  # the database is away: keep the files, try again
                log.exception("mirror: could not follow the rendered pages")
            time.sleep(interval)
