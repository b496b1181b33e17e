"""The data dir's own files, read by the settings before anything else runs: the dir made
private, the secret key and the keys that seal secrets at rest (made once if not given)."""

from __future__ import annotations

import secrets
from pathlib import Path

from rathaus.lib import sealing
from rathaus.lib.env import Env, SettingError


def make_private(data_dir: Path) -> None:
    """Create the data dir for the owner only, and close what an older version (or a copy
    from a backup) left open: the dir itself and its top level. What lies deeper is out of
    reach once the dir is 0700."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in (data_dir, *data_dir.iterdir()):
        try:
            mode = path.lstat().st_mode
            if not path.is_symlink() and mode & 0o077:
                path.chmod(mode & 0o700)
        except OSError:  # someone else's file: not ours to change, and not fatal
            pass


def secret_key(env: Env, data_dir: Path) -> str:
    """The key from the environment, or one generated once and kept in the data dir."""
    given = env.secret("RATHAUS_SECRET_KEY")
    if given:
        return given
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def encryption_keys(env: Env, data_dir: Path) -> list[str]:
    """Keys that seal secrets at rest: from the environment, or one made once and kept in
    the data dir (not derived from SECRET_KEY, so that key can change on its own)."""
    given = env.secret("RATHAUS_ENCRYPTION_KEYS")
    path = data_dir / "encryption_keys"
    if not given and not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(sealing.new_key(), encoding="utf-8")
        path.chmod(0o600)
    keys = [k.strip() for k in (given or path.read_text(encoding="utf-8")).split(",") if k.strip()]
    try:
        sealing.check_keys(keys)
    except ValueError as error:
        raise SettingError(f"RATHAUS_ENCRYPTION_KEYS: {error}") from None
    return keys
