"""Collected static files are readable by the static server's user (lib.public_files)."""

import os
import stat

from django.core.management import call_command


def test_collectstatic_writes_files_nginx_can_read(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "rathaus.lib.public_files.PublicStaticFilesStorage"},
    }
    before = os.umask(0o077)
    try:
        call_command("collectstatic", "--no-input", verbosity=0)
        assert os.umask(0o077) == 0o077  # post-processing gave the umask back
    finally:
        os.umask(before)
    found = list(settings.STATIC_ROOT.rglob("*"))
    assert any(path.suffix == ".gz" for path in found)  # WhiteNoise's own copies too
    for path in found:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
