"""The archive: one tar file (gzipped if its name ends in .gz or .tgz) holding

    manifest.json             format, database engine, when, whether the keys are inside
    database.sqlite3          SQLite: a consistent copy made with SQLite's backup API
    database.pgdump           PostgreSQL: pg_dump's custom format, read by pg_restore
    uploads/…                 MEDIA_ROOT
    rendered/…                RENDERED_ROOT, if the installation has one
    keys/secret_key           the keys in effect when the backup was made,
    keys/encryption_keys      unless made with --without-keys

The archive is written beside its final name and renamed into place when complete, so a
backup that breaks off never leaves a truncated file under the name of a good one."""

from __future__ import annotations

import io
import json
import os
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
RENDERED = "rendered"
KEYS = "keys"


class ArchiveError(Exception):
    """The file is no Rathaus backup, or one this version cannot read."""


def _write_mode(path: Path) -> str:
    return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"


@contextmanager
def writing(path: Path) -> Iterator[tarfile.TarFile]:
    """A tar file that appears under ``path`` only once it is complete (mode 0600: it holds
    the keys)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with tarfile.open(partial, _write_mode(path)) as tar:
            yield tar
        partial.chmod(0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def add_tree(tar: tarfile.TarFile, root: Path, prefix: str) -> int:
    """Every file under ``root`` as ``prefix/…``; returns how many. A file deleted while the
    walk runs is left out rather than failing the backup: the database copy, taken before,
    is what decides whether it was still needed."""
    count = 0
    if not root.is_dir():
        return count
    for directory, _dirs, files in os.walk(root):
        for name in sorted(files):
            path = Path(directory) / name
            try:
                tar.add(path, arcname=f"{prefix}/{path.relative_to(root)}", recursive=False)
            except FileNotFoundError:
                continue
            count += 1
    return count


def write_manifest(tar: tarfile.TarFile, manifest: dict) -> None:
    add_bytes(tar, MANIFEST, json.dumps({"format": FORMAT, **manifest}, indent=2).encode())


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        raise ArchiveError("no manifest.json inside: not made by manage.py backup") from None
    manifest = json.loads(member.read()) if member else {}
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DATABASE:
        raise ArchiveError(
            f"backup format {manifest.get('format')!r}, engine {manifest.get('engine')!r}: "
            "not one this version reads"
        )
    return manifest


def opening(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except FileNotFoundError:
        raise ArchiveError(f"{path}: no such file") from None
    except (tarfile.TarError, IsADirectoryError) as error:
        raise ArchiveError(f"{path} is no tar file ({error})") from None


def read_text(tar: tarfile.TarFile, name: str) -> str | None:
    try:
        member = tar.extractfile(name)
    except KeyError:
        return None
    return member.read().decode().strip() if member else None


def extract_tree(tar: tarfile.TarFile, prefix: str, target: Path) -> int:
    """The files under ``prefix/`` into ``target``: nothing lands outside ``target``, no
    device files, no links leading out, owner-only. Returns how many files."""
    members = [
        member.replace(name=member.name[len(prefix) + 1 :], deep=False)
        for member in tar.getmembers()
        if member.name.startswith(f"{prefix}/") and member.isfile()
    ]
    if members:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            tar.extractall(target, members=members, filter=_owner_only)  # noqa: S202 – filtered
        except tarfile.FilterError as error:
            raise ArchiveError(f"refused to unpack {error}") from None
    return len(members)


def _owner_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's "data" filter, and every file 0600 like an upload (settings:
    FILE_UPLOAD_PERMISSIONS), whatever mode it was archived with."""
    member = tarfile.data_filter(member, path)
    return member.replace(mode=0o600, deep=False) if member is not None else None


def extract_file(tar: tarfile.TarFile, name: str, target: Path) -> None:
    try:
        member = tar.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise ArchiveError(f"{name} is missing from the archive")
    with target.open("wb") as out:
        while chunk := member.read(1 << 20):
            out.write(chunk)
