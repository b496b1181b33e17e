"""Files a static server (nginx) serves under its own user: collected static files and the
mirrored rendered pages. The settings set the umask 077 so that everything else Rathaus
writes is its own; these must be readable by others (files 0644, folders 0755)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from whitenoise.storage import CompressedManifestStaticFilesStorage

PUBLIC_UMASK = 0o022


@contextmanager
def readable_by_all() -> Iterator[None]:
    """Write public files: the process's umask 022 meanwhile (one thread: a command)."""
    before = os.umask(PUBLIC_UMASK)
    try:
        yield
    finally:
        os.umask(before)


class PublicStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, with files and folders readable by the static server; its
    compressed copies (.gz, .br) are written outside the storage's own permission modes,
    hence the umask while post-processing."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("file_permissions_mode", 0o644)
        kwargs.setdefault("directory_permissions_mode", 0o755)
        super().__init__(*args, **kwargs)

    def post_process(self, *args, **kwargs):
        with readable_by_all():
            yield from super().post_process(*args, **kwargs)
