"""The two steps: ``back_up`` the installation into one archive, ``restore`` one into an
empty installation (another machine, or this one after a loss). Both say what they did as
lines of text for the command to print; both refuse with ``BackupError`` and a message
that says what to do."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from rathaus.backups import archive, databases, keys

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A refusal or a failure, worded for the operator."""


def _rendered_root() -> Path | None:
    # Rendered public pages can be made again from the database; they are in the archive
    # so that a restored newsroom is complete before the worker has rebuilt anything.
    root = getattr(settings, "RENDERED_ROOT", None)
    return Path(root) if root else None


def back_up(path: Path, *, with_keys: bool = True) -> list[str]:
    """Database, uploads, rendered pages and (``with_keys``) the keys into the tar file
    ``path``. The database is copied first: a file uploaded while the rest runs is then
    one the copy does not know of (harmless), not one it names and the archive lacks."""
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is no directory")
    engine = databases.engine()
    report = []
    # The dump is written beside the archive, not in /tmp (often small, or in memory).
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".rathaus-backup-") as scratch:
        dump = Path(scratch) / archive.DATABASE[engine]
        try:
            databases.dump(dump)
        except databases.DatabaseError as error:
            raise BackupError(str(error)) from None
        report.append(f"Database ({ENGINE_NAMES[engine]}): {dump.stat().st_size:,} bytes")
        with archive.writing(path) as tar:
            archive.write_manifest(
                tar,
                {
                    "engine": engine,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "keys": with_keys,
                },
            )
            tar.add(dump, arcname=archive.DATABASE[engine])
            uploads = archive.add_tree(tar, Path(settings.MEDIA_ROOT), archive.UPLOADS)
            report.append(f"Uploads: {uploads} files")
            rendered_root = _rendered_root()
            if rendered_root:
                rendered = archive.add_tree(tar, rendered_root, archive.RENDERED)
                report.append(f"Rendered pages: {rendered} files")
            if with_keys:
                for name, value in keys.current().items():
                    archive.add_bytes(tar, f"{archive.KEYS}/{name}", value.encode())
                report.append("Keys: secret key and encryption keys (keep this file like them)")
            else:
                report.append("Keys: not included (restoring needs them from elsewhere)")
    report.append(f"Written: {path} ({path.stat().st_size:,} bytes)")
    return report


def restore(path: Path, *, force: bool = False) -> list[str]:
    """The archive ``path`` into this installation: its database (which must be empty
    unless ``force``), uploads, rendered pages and key files. Checks at the end that every
    stored secret opens with the keys this installation will use."""
    try:
        tar = archive.opening(path)
        manifest = archive.read_manifest(tar)
    except archive.ArchiveError as error:
        raise BackupError(f"Cannot restore: {error}") from None
    with tar:
        archived_keys = {
            name: archive.read_text(tar, f"{archive.KEYS}/{name}")
            for name in (keys.SECRET_KEY, keys.ENCRYPTION_KEYS)
        }
        _check_before(manifest, archived_keys, force=force)
        report = []
        engine = manifest["engine"]
        with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".restore-") as scratch:
            dump = Path(scratch) / archive.DATABASE[engine]
            try:
                archive.extract_file(tar, archive.DATABASE[engine], dump)
                databases.load(dump, replace=force)
            except (archive.ArchiveError, databases.DatabaseError) as error:
                raise BackupError(str(error)) from None
        report.append(f"Database ({ENGINE_NAMES[engine]}) restored from {manifest['created_at']}")
        try:
            uploads = archive.extract_tree(tar, archive.UPLOADS, Path(settings.MEDIA_ROOT))
            report.append(f"Uploads: {uploads} files")
            rendered_root = _rendered_root()
            if rendered_root:
                rendered = archive.extract_tree(tar, archive.RENDERED, rendered_root)
                report.append(f"Rendered pages: {rendered} files")
        except archive.ArchiveError as error:
            raise BackupError(f"Database restored, files not: {error}") from None
        report += _restore_keys(archived_keys)
    return report


def _check_before(manifest: dict, archived_keys: dict, *, force: bool) -> None:
    """Everything that would make the restore fail or do harm, before anything changes."""
    engine = databases.engine()
    if manifest["engine"] != engine:
        wanted = ENGINE_NAMES[manifest["engine"]]
        raise BackupError(
            f"This archive holds a {wanted} database, and this installation uses "
            f"{ENGINE_NAMES[engine]} (DATABASE_URL). An archive restores only into the "
            f"engine it was made from: point DATABASE_URL at an empty {wanted} database"
            + (" (or leave it unset: SQLite in the data dir)." if wanted == "SQLite" else ".")
        )
    if archived_keys[keys.ENCRYPTION_KEYS] is None and not keys.from_environment(
        keys.ENCRYPTION_KEYS
    ):
        raise BackupError(
            "The archive holds no keys (made with --without-keys). Give the backed-up "
            "installation's keys in the environment: RATHAUS_ENCRYPTION_KEYS (or "
            "RATHAUS_ENCRYPTION_KEYS_FILE), and RATHAUS_SECRET_KEY (or _FILE)."
        )
    if not force and not databases.is_empty():
        raise BackupError(
            "The database is not empty: a restore would mix two installations. Restore "
            "into a new, empty database (not even migrated), or give --force to replace "
            "everything in it."
        )
    media = Path(settings.MEDIA_ROOT)
    if not force and media.is_dir() and any(media.iterdir()):
        raise BackupError(f"{media} is not empty; give --force to restore over it.")


def _restore_keys(archived: dict[str, str | None]) -> list[str]:
    """Write the archive's keys as the data dir's key files, then check that the keys in
    effect from now on (the environment's where given, else these files) open every
    stored secret."""
    report = []
    in_effect = {}
    for name, value in archived.items():
        given = keys.from_environment(name)
        if value is not None:
            keys.write(settings.DATA_DIR, name, value)
            report.append(f"Key file written: {settings.DATA_DIR / name}")
        if given is not None:
            in_effect[name] = given
            if value is not None and given != value:
                report.append(
                    f"Note: RATHAUS_{name.upper()} in the environment overrides the "
                    "restored key file."
                )
        elif value is not None:
            in_effect[name] = value
        elif name == keys.SECRET_KEY:
            report.append(
                "Warning: no secret key in the archive or the environment; the one in the "
                "data dir is new, so logins end and links mailed before stop working."
            )
    total, failed = keys.unopened(keys.parse(in_effect[keys.ENCRYPTION_KEYS]))
    if failed:
        raise BackupError(
            f"Restored, but {failed} of {total} stored secrets do not open with the "
            "encryption keys in effect. Put the backed-up installation's keys in "
            "RATHAUS_ENCRYPTION_KEYS (or unset it to use the restored key file)."
        )
    report.append(f"Secrets: all {total} open with the keys in effect")
    return report
