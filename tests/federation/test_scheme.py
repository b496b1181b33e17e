"""RATHAUS_FEDERATION_ALLOW_HTTP: https everywhere unless a local demo or test says so."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rathaus.federation.models import Account

ACTIVITY = {"HTTP_ACCEPT": "application/activity+json"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def account(office, settings):
    settings.FEDERATION_DOMAIN = "rathaus.example"
    return Account.objects.create(office=without_public_host(office), username="presse")


def without_public_host(office):
    office.public_base_url = ""  # newsroom links then live on the federation host as well
    office.save()
    return office


def test_urls_are_https_by_default(client, account, settings):
    assert settings.FEDERATION_ALLOW_HTTP is False
    actor = client.get("/ap/presse", **ACTIVITY).json()
    assert actor["id"] == "https://rathaus.example/ap/presse"
    assert actor["url"] == "https://rathaus.example/mitte/"


def test_allow_http_switches_the_scheme(client, account, settings):
    settings.FEDERATION_ALLOW_HTTP = True
    actor = client.get("/ap/presse", **ACTIVITY).json()
    assert actor["id"] == "http://rathaus.example/ap/presse"
    assert actor["inbox"] == "http://rathaus.example/ap/presse/inbox"
    assert actor["url"] == "http://rathaus.example/mitte/"
    webfinger = client.get("/.well-known/webfinger", {"resource": "acct:presse@rathaus.example"})
    assert webfinger.json()["links"][0]["href"] == "http://rathaus.example/ap/presse"


def _settings_with(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RATHAUS_")}
    environ.update(env, RATHAUS_DATA_DIR=str(tmp_path))
    code = "from rathaus import settings as s; print(s.FEDERATION_DOMAIN, s.FEDERATION_ALLOW_HTTP)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_settings_come_from_the_environment(tmp_path):
    assert _settings_with(tmp_path).stdout.split() == ["localhost", "False"]
    given = _settings_with(
        tmp_path, RATHAUS_FEDERATION_DOMAIN="rathaus.example", RATHAUS_FEDERATION_ALLOW_HTTP="1"
    )
    assert given.stdout.split() == ["rathaus.example", "True"]
    typo = _settings_with(tmp_path, RATHAUS_FEDERATION_ALLOW_HTTP="flase")
    assert "RATHAUS_FEDERATION_ALLOW_HTTP='flase' is not a boolean" in typo.stderr
