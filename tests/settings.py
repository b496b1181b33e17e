"""Test settings: the real settings module, read with a test environment."""

import os
import tempfile

os.environ.setdefault("RATHAUS_HTTPS", "false")
os.environ.setdefault("RATHAUS_TASKS_IMMEDIATE", "true")
os.environ.setdefault("RATHAUS_EMAIL_BACKEND", "memory")
os.environ.setdefault("RATHAUS_DATA_DIR", tempfile.mkdtemp(prefix="rathaus-test-"))

from rathaus.settings import *

os.makedirs(STATIC_ROOT, exist_ok=True)  # WhiteNoise warns when it is missing
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Several test runs may share one PostgreSQL server (developers, helpers, CI): each run gets
# its own test database so they never drop each other's.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": f"test_rathaus_{os.getpid()}"}
