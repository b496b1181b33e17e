"""Where the time of one federation delivery goes, measured in this process without Huey:
signing alone; unsigned and signed POSTs on one session, without the database; and
``fanout.deliver`` with the database (``bench.federation_fanout``'s first part)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from urllib.parse import urlsplit

from bench.fanout_rows import counts
from bench.fanout_setup import activity_body
from bench.inbox_server import InboxServer


def cost_split(account, post, inboxes: list[str], server: InboxServer) -> dict[str, float]:
    """Per delivery: signing alone; unsigned and signed POSTs on one session, held back as
    fan-out holds them back (CONNECTIONS, PER_HOST), without the database; and
    ``fanout.deliver`` in this process, database included, without Huey."""
    from rathaus.federation import activities, fanout, identities, remote
    from rathaus.federation.models import Activity, Outgoing
    from rathaus.lib import httpsig

    document = json.loads(activity_body(account, post))
    key_id = f"{identities.actor(account.username)}#main-key"
    pem = account.private_key_pem
    headers = {"Content-Type": remote.ACTIVITY_CONTENT_TYPE}

    def body(suffix: str) -> bytes:
        return json.dumps({**document, "id": f"{document['id']}#{suffix}"}).encode()

    unsigned_body, signed_body = body("unsigned"), body("signed")
    httpsig.sign("POST", inboxes[0], headers, signed_body, key_id=key_id, private_pem=pem)
    started = time.process_time()
    for url in inboxes:
        httpsig.sign("POST", url, headers, signed_body, key_id=key_id, private_pem=pem)
    result = {"sign": (time.process_time() - started) / len(inboxes)}

    async def each(post_one) -> list[int]:
        limits = fanout._Limits()
        async with remote.session(limit=fanout.CONNECTIONS, limit_per_host=fanout.PER_HOST) as s:

            async def one(url: str) -> int:
                async with limits.turn(activities.host_of(url)):
                    return await post_one(s, url)

            return await asyncio.gather(*(one(url) for url in inboxes))

    async def unsigned(s, url: str) -> int:
        plain = f"http://{activities.host_of(url)}/_plain{urlsplit(url).path}"
        async with s.post(plain, data=unsigned_body, headers=headers) as answer:
            await answer.read()
            return answer.status

    async def signed(s, url: str) -> int:
        answer = await remote.post_signed(s, url, signed_body, key_id=key_id, private_pem=pem)
        return answer.status

    activity = Activity.objects.create(
        account=account,
        activity_id=f"{document['id']}#in-process",
        kind="Create",
        body={**document, "id": f"{document['id']}#in-process"},
    )
    Outgoing.objects.bulk_create(
        [Outgoing(activity=activity, inbox=url, host=activities.host_of(url)) for url in inboxes],
        batch_size=1000,
    )

    def in_process() -> list[int]:
        fanout.deliver()
        return [202] * counts(activity)[Outgoing.Status.DELIVERED]

    jobs = {
        "http": lambda: asyncio.run(each(unsigned)),
        "signed_http": lambda: asyncio.run(each(signed)),
        "deliver": in_process,
    }
    for name, job in jobs.items():
        server_cpu = server.report()["cpu"]
        own_cpu, started = time.process_time(), time.perf_counter()
        statuses = job()
        wall = time.perf_counter() - started
        if Counter(statuses) != Counter({202: len(inboxes)}):
            raise RuntimeError(f"{name}: not every request was accepted: {Counter(statuses)}")
        result[name] = wall / len(inboxes)
        result[f"{name}_client_cpu"] = (time.process_time() - own_cpu) / len(inboxes)
        result[f"{name}_server_cpu"] = (server.report()["cpu"] - server_cpu) / len(inboxes)
    return result


def print_cost_split(split: dict[str, float], count: int) -> None:
    ms = 1000
    print(f"cost split per delivery ({count} requests, one process, no Huey):")
    print(
        f"  {'signing alone (httpsig.sign, RSA-2048):':<44} {split['sign'] * ms:6.3f} ms CPU"
        f" → at most {1 / split['sign']:5.0f}/s per core"
    )
    labels = {
        "http": "HTTP POST unsigned, no database:",
        "signed_http": "remote.post_signed, no database:",
        "deliver": "fanout.deliver, with database:",
    }
    for name, label in labels.items():
        print(
            f"  {label:<44} {split[name] * ms:6.3f} ms wall → {1 / split[name]:5.0f}/s;"
            f" CPU: client {split[f'{name}_client_cpu'] * ms:.3f} ms,"
            f" inbox server {split[f'{name}_server_cpu'] * ms:.3f} ms"
        )
