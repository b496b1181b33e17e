"""Ports and a real SMTP server on loopback, for tests that talk to a server of their own."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on (taken from the system and let go again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def was_contacted(listener: socket.socket) -> bool:
    """Whether anyone connected to a non-blocking listening socket since it was opened."""
    try:
        peer, _address = listener.accept()
    except BlockingIOError:
        return False
    peer.close()
    return True


@contextmanager
def smtp_server(handler: Any, settings: Any) -> Iterator[Controller]:
    """aiosmtpd with ``handler`` on a free port, and Django's mail sent to it."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield controller
    finally:
        controller.stop()
