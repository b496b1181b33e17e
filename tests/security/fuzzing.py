"""What every fuzz test of a public endpoint shares: the hypothesis settings (1,000 examples,
a fixed seed), strategies for hostile input, and the two promises checked after each request
— no 5xx and no unhandled exception (also none logged by a background task that ran inline),
and a rejected request (4xx) leaves the database exactly as it was."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.apps import apps
from django.core.cache import caches
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from rathaus.lib import spam

FUZZ = settings(
    max_examples=1000,
    derandomize=True,  # a fixed seed: the same 1,000 inputs on every run and machine
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the db fixture is rolled back once, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Text as an attacker sends it: any code point a UTF-8 request can carry (lone surrogates
# can't be encoded), control characters and line breaks included, sometimes long.
hostile_chars = st.characters(exclude_categories=("Cs",))
hostile_text = st.one_of(
    st.text(hostile_chars, max_size=40),
    st.text(hostile_chars, min_size=200, max_size=6000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\r\nBcc: victim@example.org",
            "javascript:alert(1)//",
            "<script>alert(1)</script>",
            "../../../../etc/passwd",
            "%00%0d%0a",
            "99999999999999999999",
            "-1",
            "NaN",
            "1e400",
            "' OR 1=1 --",
            "\u202e\u0000\ufeff",
            "a" * 70000,
        ]
    ),
)
hostile_bytes = st.one_of(
    st.binary(max_size=2000),
    hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(hostile_chars, max_size=12), inner, max_size=4),
    ),
    max_leaves=12,
)


def mostly_valid(valid: dict, hostile: dict) -> st.SearchStrategy[dict]:
    """A form as a person fills it in, with some of its fields (none, one or several) left
    out (``None``) or replaced by what ``hostile`` draws for them. Independent hostile fields
    would almost never all pass the form's checks together (about 1 input in 100 did), so a
    run would test only the first check, and whether it ever got further came down to the
    seed; here every field's hostile values also reach the code behind the other checks."""

    @st.composite
    def build(draw) -> dict:
        broken = draw(st.sets(st.sampled_from(sorted(valid)), max_size=2))
        return {
            name: draw(st.one_of(st.none(), hostile[name])) if name in broken else value
            for name, value in valid.items()
        }

    return build()


def form_data(fields: dict, *, nonce_ok: bool) -> dict:
    """The fields as a form post (``None`` leaves a field out), with a fresh form nonce if
    ``nonce_ok``; else whatever ``fields`` holds for it, if anything."""
    data = {name: value for name, value in fields.items() if value is not None}
    if nonce_ok:
        data["nonce"] = spam.new_nonce()
    return data


def path_segment(text: str) -> str:
    """Text as one path segment: a URL router never sees a slash or a NUL inside it."""
    cleaned = "".join(c for c in text if c not in "/?#\x00" and c.isprintable())
    return cleaned or "x"


def deep(depth: int, *, as_list: bool) -> str:
    """JSON nested ``depth`` levels deep, written out without recursion."""
    return ("[" * depth + "]" * depth) if as_list else ('{"a":' * depth + "1" + "}" * depth)


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("rathaus.") and model._meta.managed
    )


def stored() -> tuple[int, ...]:
    """The number of rows in every table of Rathaus's own apps, in one query."""
    names = _tables()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(name)})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


class _Unhandled(logging.Handler):
    """Collects every log record that carries an exception: a background task that ran
    inline (RATHAUS_TASKS_IMMEDIATE) and failed is logged, not raised."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@contextmanager
def no_unhandled_exceptions():
    handler = _Unhandled()
    root = logging.getLogger()
    loggers = [root, logging.getLogger("huey"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    failures = [handler.format(record) for record in handler.records]
    assert not failures, "unhandled exceptions were logged:\n" + "\n\n".join(failures[:3])


def checked(request, *, rejected_store_nothing: bool = True, seen: list[int] | None = None):
    """Send one request (a callable returning the response) and check the promises; the
    status is added to ``seen``, so a test can check its inputs reached both outcomes."""
    # No rate limit between examples (it lives in the shared cache) and no cached page:
    # every input reaches the code behind it.
    caches["default"].clear()
    caches["shared"].clear()
    before = stored()
    response = request()
    status = response.status_code
    if seen is not None:
        seen.append(status)
    assert status < 500, f"answered {status}"
    if rejected_store_nothing and 400 <= status < 500:
        assert stored() == before, f"a request answered {status} stored something"
    return response


def both_outcomes(seen: list[int]) -> None:
    """The generated inputs were both accepted and refused: a fuzz run whose every input
    fails at the first check proves nothing about the code behind it."""
    assert any(status < 400 for status in seen), "no input was accepted"
    assert any(400 <= status < 500 for status in seen), "no input was refused"
