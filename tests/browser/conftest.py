"""Browser tests drive Debian's chromium through Playwright; nothing is downloaded."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # Without these, chromium phones home at start; the machine has no network for it.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    """Pages are read in German, as the office's staff and most citizens read them."""
    return {**browser_context_args, "locale": "de-DE"}


@pytest.fixture
def outside_requests(page, live_server):
    """Every request the page makes to a host other than the live server."""
    seen: list[str] = []
    own = live_server.url.rstrip("/")
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(own) or request.url.startswith("data:")
            else seen.append(request.url)
        ),
    )
    return seen
