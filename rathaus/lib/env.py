"""Strict parsing of environment variables.

A typo in a production setting must stop the start-up with a message naming the
variable, not silently fall back to a default (``RATHAUS_DEBUG=flase`` is an error).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class SettingError(ValueError):
    """An environment variable holds a value that cannot be used."""


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def str(self, name: str, default: str = "") -> str:
        value = self._raw(name)
        return default if value is None else value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise SettingError(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no)")

    def int(self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SettingError(f"{name}={value!r} is not a whole number") from None
        if number < minimum or (maximum is not None and number > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            raise SettingError(f"{name}={number} must be at least {minimum}{upper}")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: set[str]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise SettingError(f"{name}={value!r} must be one of {', '.join(sorted(choices))}")
        return value

    def secret(self, name: str) -> str | None:
        """A secret given directly (``NAME``) or as a file path (``NAME_FILE``)."""
        direct = self._raw(name)
        path = self._raw(f"{name}_FILE")
        if direct and path:
            raise SettingError(f"set either {name} or {name}_FILE, not both")
        if path:
            try:
                with open(path, encoding="utf-8") as handle:
                    content = handle.read().strip()
            except OSError as error:
                raise SettingError(f"{name}_FILE={path!r} cannot be read: {error}") from None
            if not content:
                raise SettingError(f"{name}_FILE={path!r} is empty")
            return content
        return direct
