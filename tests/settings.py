"""Test settings: the real settings module, read with a test environment."""

import os
import tempfile

os.environ.setdefault("RATHAUS_HTTPS", "false")
os.environ.setdefault("RATHAUS_TASKS_IMMEDIATE", "true")
os.environ.setdefault("RATHAUS_EMAIL_BACKEND", "memory")
os.environ.setdefault("RATHAUS_DATA_DIR", tempfile.mkdtemp(prefix="rathaus-test-"))

# pytest-xdist runs the suite in several worker processes. Each takes a Redis database of
# its own, because a test's first step empties the cache (FLUSHDB) and must not empty the
# cache of a test running next door.
if os.environ.get("REDIS_URL") and (worker := os.environ.get("PYTEST_XDIST_WORKER")):
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(os.environ["REDIS_URL"])
    _base = int(_url.path.strip("/") or 0)
    _db = (_base + 1 + int(worker.removeprefix("gw"))) % 16
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_db}"))

from rathaus.settings import *

os.makedirs(STATIC_ROOT, exist_ok=True)  # WhiteNoise warns when it is missing
# Rendering every public page after each publication would slow every test that publishes;
# tests/rendering switches it on where it is the subject.
RENDER_PAGES = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Several test runs may share one PostgreSQL server (developers, helpers, CI): each run gets
# its own test database so they never drop each other's.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": f"test_rathaus_{os.getpid()}"}
