"""The data directory holds the database, the task queue, the keys and citizens' photos:
nobody but the server's own user may read anything in it (issue 10, item 17). Collected
static files and mirrored pages are public (nginx reads them as its own user): readable by
all, and in production outside the data dir (RATHAUS_STATIC_ROOT, RATHAUS_RENDERED_ROOT)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[2]


def _environment(data_dir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RATHAUS_", "DATABASE_URL", "REDIS_URL"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "rathaus.settings",
        "RATHAUS_DATA_DIR": str(data_dir),
        "RATHAUS_HTTPS": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return environment


def _manage(data_dir: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(data_dir),
        check=True,
        capture_output=True,
        timeout=300,
        # What a service manager or a shell usually starts with: it must not matter.
        preexec_fn=lambda: os.umask(0o022),
    )


PUBLIC = ("static", "rendered")  # by default inside the 0700 dir, unreachable there


def _open_to_others(data_dir: Path) -> list[str]:
    """Every private path in the data directory (itself included) with a group or other
    bit."""
    found = []
    for path in [data_dir, *data_dir.rglob("*")]:
        if path.relative_to(data_dir).parts[:1] in {(name,) for name in PUBLIC}:
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(data_dir.parent)} {oct(mode)}")
    return found


def test_a_fresh_data_dir_is_private_after_migrate(tmp_path):
    data_dir = tmp_path / "var"
    _manage(data_dir, "migrate", "--no-input", "-v", "0")
    names = {path.name for path in data_dir.iterdir()}
    assert {"rathaus.sqlite3", "secret_key", "encryption_keys"} <= names
    assert _open_to_others(data_dir) == []


def test_files_left_open_by_an_older_version_are_closed_at_start_up(tmp_path):
    data_dir = tmp_path / "var"
    _manage(data_dir, "migrate", "--no-input", "-v", "0")
    data_dir.chmod(0o755)
    for path in data_dir.iterdir():
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert _open_to_others(data_dir)

    _manage(data_dir, "check")

    assert _open_to_others(data_dir) == []


def test_collected_static_files_are_public_and_the_data_dir_stays_private(tmp_path):
    data_dir, public = tmp_path / "var", tmp_path / "srv" / "static"
    _manage(data_dir, "migrate", "--no-input", "-v", "0")
    environment = {"RATHAUS_STATIC_ROOT": str(public)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=_environment(data_dir) | environment,
        check=True,
        capture_output=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert any(public.rglob("*.css")) and any(public.rglob("*.gz"))
    for path in [public, *public.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert _open_to_others(data_dir) == []


def test_uploads_are_stored_for_the_owner_only(settings):
    """Django chmods every upload to FILE_UPLOAD_PERMISSIONS, whatever the umask says."""
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_manage_py_run_keeps_database_and_queue_private(tmp_path):
    """`manage.py run` starts granian and two Huey consumers; the files they create (the
    queue, the WAL and shared-memory files) are private too."""
    data_dir = tmp_path / "var"
    _manage(data_dir, "migrate", "--no-input", "-v", "0")
    _manage(data_dir, "collectstatic", "--no-input", "-v", "0")  # as `make run` does
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "run", "--port", str(port), "--web-workers", "1"],
        cwd=ROOT,
        env=_environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.umask(0o022),
        start_new_session=True,  # so the web server and the workers can be stopped together
    )
    try:
        deadline = time.monotonic() + 120  # a busy machine loads Django slowly
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        deadline = time.monotonic() + 20
        while not (data_dir / "huey.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        names = {path.name for path in data_dir.iterdir()}
        assert {"huey.sqlite3", "rathaus.sqlite3-wal"} <= names
        assert _open_to_others(data_dir) == []
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)
