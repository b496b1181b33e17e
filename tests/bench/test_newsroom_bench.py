"""The arithmetic bench.newsroom_load and bench.publish_latency report with: wrk's output
read right, two halves merged, and a post's lists counted as rendered only by a rendering
that started after its commit."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from bench import newsroom_servers, newsroom_storm, render_watch

WRK = """Running 5s test @ http://127.0.0.1:8000/mitte/
  2 threads and 50 connections
  Latency Distribution
     50%    1.18ms
     75%    2.00ms
     90%    3.10ms
     99%   20.56ms
  177782 requests in 5.00s, 2.25GB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 0
Requests/sec:  35519.07
"""


def test_wrk_output_is_read_with_its_units_and_errors():
    found = newsroom_servers.parse(WRK)
    assert found["requests"] == 177782
    assert found["rps"] == 35519.07
    assert (found["p50"], found["p99"]) == (1.18, 20.56)
    assert found["errors"] == 3
    assert found["socket_errors"] == "connect 0, read 2, write 0, timeout 0"
    slow = newsroom_servers.parse(WRK.replace("20.56ms", "1.50s").replace("1.18ms", "900.00us"))
    assert (slow["p50"], slow["p99"]) == (0.9, 1500.0)


def test_two_halves_merge_to_the_mean_rate_and_the_worse_latency():
    first = newsroom_servers.parse(WRK)
    second = first | {"rps": 20000.0, "p99": 5.0, "errors": 0, "socket_errors": ""}
    merged = newsroom_servers.merge(first, second)
    assert merged["rps"] == (35519.07 + 20000.0) / 2
    assert merged["p99"] == 20.56
    assert merged["requests"] == 2 * 177782
    assert merged["errors"] == 3
    assert merged["socket_errors"] == first["socket_errors"]


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_a_post_counts_as_rendered_only_by_a_rendering_started_after_its_commit():
    watch = render_watch.RenderWatch(office_id=1)
    # Renderings of the lists started at 100.0 and 101.5, seen finished at 100.8 and 102.9.
    watch.readings = [(99.0, None, None), (100.8, _at(100.0), None), (102.9, _at(101.5), None)]
    watch.committed = {1: 99.9, 2: 100.2}  # seen committed at these wall times
    # Post 2 was stamped before the first rendering started but committed after it.
    published = {1: _at(99.5), 2: _at(99.95)}
    lags, missing = render_watch.lags(watch, published)
    assert missing == 0
    assert sorted(round(lag, 2) for lag in lags) == [1.3, 2.95]  # 100.8-99.5, 102.9-99.95
    assert sorted(round(w, 2) for w in render_watch.waits(watch, published)) == [0.5, 1.55]
    assert [round(r, 2) for r in watch.renderings()] == [0.8, 1.4]
    watch.committed[3] = 103.0  # after every rendering seen: not counted as rendered
    _lags, missing = render_watch.lags(watch, published | {3: _at(102.95)})
    assert missing == 1
    assert "not within the wait: 1" in render_watch.describe(lags, missing)


def test_cpu_time_is_read_for_a_process_and_its_children():
    assert os.getpid() in newsroom_storm.family(os.getpid())
    before = newsroom_storm.cpu_seconds([os.getpid()])
    sum(i * i for i in range(2_000_000))
    assert newsroom_storm.cpu_seconds([os.getpid()]) > before
