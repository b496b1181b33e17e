"""Fixtures the security tests share."""

import socket

import pytest


@pytest.fixture
def silent_server():
    """A server that takes connections (the kernel's backlog) and never answers a byte: the
    stand-in for a slow or hostile platform, key server or mail server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    yield listener
    listener.close()
