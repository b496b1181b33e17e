"""How the desk names a colleague: one rule for every page and text, so the same person is
not "Anna Schmidt" in the inbox and "aschmidt" in a post's history.

A full name where the account has one (colleagues know each other by name, and a login name
is a credential half, better not shown around); the login name only where no name was
given, so nobody is shown as a blank."""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """The person's full name, else their login name; "" for no one."""
    if user is None:
        return ""
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()
