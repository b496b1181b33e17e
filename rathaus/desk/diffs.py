"""A readable before/after of an audit entry, line by line."""

from __future__ import annotations

import difflib
import json


def _lines(snapshot: dict) -> list[str]:
    lines = []
    for key in sorted(snapshot):
        value = snapshot[key]
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.extend(f"{key}: {line}" for line in (text.splitlines() or [""]))
    return lines


def text_diff(before: dict, after: dict) -> str:
    """Unified diff of two snapshots; empty when there is nothing to compare."""
    if not before and not after:
        return ""
    diff = difflib.unified_diff(_lines(before), _lines(after), "before", "after", lineterm="", n=1)
    return "\n".join(diff)
