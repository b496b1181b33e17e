"""Settings come from the environment and a bad value stops the start-up with its name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rathaus.lib.env import Env, SettingError

ROOT = Path(__file__).resolve().parents[2]


def test_booleans_are_parsed_strictly():
    assert Env({"X": "yes"}).bool("X", False) is True
    assert Env({"X": "0"}).bool("X", True) is False
    assert Env({}).bool("X", True) is True
    with pytest.raises(SettingError, match="X='flase' is not a boolean"):
        Env({"X": "flase"}).bool("X", False)


def test_numbers_are_checked_against_their_range():
    assert Env({"N": "5"}).int("N", 1) == 5
    with pytest.raises(SettingError, match="not a whole number"):
        Env({"N": "5s"}).int("N", 1)
    with pytest.raises(SettingError, match="at least 1"):
        Env({"N": "0"}).int("N", 1, minimum=1)


def test_lists_and_choices():
    assert Env({"H": "a.example, b.example,"}).list("H", []) == ["a.example", "b.example"]
    with pytest.raises(SettingError, match="one of"):
        Env({"L": "LOUD"}).choice("L", "INFO", {"INFO", "DEBUG"})


def test_a_secret_can_come_from_a_file(tmp_path):
    path = tmp_path / "key"
    path.write_text("s3cret\n")
    assert Env({"K_FILE": str(path)}).secret("K") == "s3cret"
    with pytest.raises(SettingError, match="either"):
        Env({"K": "a", "K_FILE": str(path)}).secret("K")
    with pytest.raises(SettingError, match="cannot be read"):
        Env({"K_FILE": str(tmp_path / "missing")}).secret("K")


def _clean_environ() -> dict[str, str]:
    """The environment without our settings and without the browser tests' async switch."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RATHAUS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }


def _check(**env: str) -> subprocess.CompletedProcess:
    environ = _clean_environ()
    environ.update(env, DJANGO_SETTINGS_MODULE="rathaus.settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bad_value_stops_the_start_up_with_a_clear_message(tmp_path):
    result = _check(RATHAUS_DEBUG="maybe", RATHAUS_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "RATHAUS_DEBUG='maybe' is not a boolean" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **_clean_environ(),
            "DJANGO_SETTINGS_MODULE": "rathaus.settings",
            "RATHAUS_DATA_DIR": str(tmp_path),
            "RATHAUS_SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-1234",
            "RATHAUS_ALLOWED_HOSTS": "presse.example.de",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_secret_key_is_generated_once_and_kept(tmp_path):
    assert _check(RATHAUS_DATA_DIR=str(tmp_path)).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    _check(RATHAUS_DATA_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == key


def test_an_encryption_key_is_generated_once_and_a_bad_one_stops_start_up(tmp_path):
    assert _check(RATHAUS_DATA_DIR=str(tmp_path)).returncode == 0
    path = tmp_path / "encryption_keys"
    key = path.read_text()
    assert oct(path.stat().st_mode)[-3:] == "600"
    _check(RATHAUS_DATA_DIR=str(tmp_path))
    assert path.read_text() == key
    result = _check(RATHAUS_DATA_DIR=str(tmp_path), RATHAUS_ENCRYPTION_KEYS=f"{key},not-a-key")
    assert result.returncode != 0
    assert "RATHAUS_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr
