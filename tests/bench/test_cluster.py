"""The parts of bench.cluster that judge a run: reading wrk's totals, and the receipts
check that tells a lost or doubled post from an activity delivered again."""

from __future__ import annotations

from bench.cluster_check import receipts
from bench.cluster_load import parse
from bench.cluster_net import Network
from rathaus.federation.models import Account, Activity
from rathaus.posts import lifecycle
from tests.helpers import make_user

WRK = """Running 3s test @ http://10.213.20.22:8000/bench/
  1 threads and 20 connections
  Latency Distribution
     50%  1.20ms
     99%    1.71s
  9000 requests in 3.00s, 90.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 40
  Non-2xx or 3xx responses: 3
Requests/sec:   3000.00
"""


def test_wrk_totals_with_errors_and_timeouts():
    run = parse(WRK, 0.0, 3.0)
    assert (run.requests, run.non_2xx, run.socket_errors, run.timeouts) == (9000, 3, 42, 40)
    assert run.p99_ms == 1710.0 and run.rps == 3000.0


def test_a_clean_wrk_run_has_no_errors():
    run = parse(WRK.replace("  Socket errors: connect 0, read 2, write 0, timeout 40\n", ""), 0, 3)
    assert (run.socket_errors, run.timeouts, run.non_2xx) == (0, 0, 3)


def test_link_names_fit_the_kernels_limit():
    net = Network(pid=4194304)  # the largest pid Linux hands out
    assert all(len(net.link(h)) <= 15 for h in ("br", "work1", "work1i", "web2i", "redisi"))
    assert net.address("db").startswith("10.213.") and net.address("admin").endswith(".1")


def test_receipts_tell_lost_and_doubled_from_repeated(office, db):
    account = Account.objects.create(office=office, username="presse", display_name="Presse")
    editor = make_user("editor.cluster", office, "editor")
    first, second = (
        lifecycle.create_draft(office, by=editor, title=f"P{n}", body="x") for n in (1, 2)
    )
    for url, post in (("c1", first), ("c1-again", first), ("c2", second)):
        Activity.objects.create(
            account=account, post=post, activity_id=f"https://x.test/{url}", kind="Create", body={}
        )
    a, b = "http://a/inbox", "http://b/inbox"
    report = {
        "receipts": {
            "https://x.test/c1": {a: 2, b: 1},  # a got it twice: the same id, a repeat
            "https://x.test/c1-again": {b: 1},  # b got the first post as two activities
            "https://x.test/c2": {a: 1, "http://nobody/inbox": 1},  # b never got it
            "https://x.test/unknown": {a: 1},
        }
    }
    result = receipts([first, second], {a, b}, report)
    assert result["pairs"] == 4
    assert (result["lost"], result["doubled"], result["repeats"]) == (1, 1, 1)
    assert result["unexpected"] == 2
