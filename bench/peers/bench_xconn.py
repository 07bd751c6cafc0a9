"""The benchmark workloads with the XConn Python client (PyPI `xconn`, its asyncio API), as
bench_client.py runs them with autobahn-python.

    python bench_xconn.py rpc    URL REALM IN_FLIGHT WARMUP_MS DURATION_MS
    python bench_xconn.py pubsub URL REALM IN_FLIGHT WARMUP_MS DURATION_MS

rpc: calls bench.add(a, 1) with IN_FLIGHT calls in flight and checks every result.
pubsub: a publisher and a subscriber session on bench.topic; the publisher keeps at most
IN_FLIGHT events not yet received, so the rate is what is delivered.
Prints RESULT {"ops", "secs", "cpu_secs", "p50_us", "p99_us"} for the measured window (CPU is
time.process_time(), this process's user + system time); a failure prints ERROR and exits 1.
URL is ws://host:port[/path]; the serializer is JSON. xconn.AsyncClient runs on the default
asyncio loop (xconn installs uvloop but does not use it, and neither does this file).
"""

import asyncio
import json
import os
import sys
import time

from xconn import AsyncClient, JSONSerializer

from bench_common import cpu_in_window, result

TOPIC = "bench.topic"
LEAVING = False


async def lost():
    # xconn never fails pending calls when the connection drops (they would hang): fail the run.
    if not LEAVING:
        print("ERROR the router closed the connection", flush=True)
        os._exit(1)


async def connect(url, realm):
    client = AsyncClient(serializer=JSONSerializer())
    return await asyncio.wait_for(client.connect(url, realm, disconnect_callback=lost), 10)


async def leave(*sessions):
    global LEAVING
    LEAVING = True
    for session in sessions:  # in turn: XConn's router drops a publisher whose EVENT meets a closing subscriber
        await session.leave()


async def rpc(url, realm, depth, warmup, duration):
    session = await connect(url, realm)
    start = time.perf_counter() + warmup
    end = start + duration
    latencies, count = [], [0]

    async def lane(seq):
        while True:
            a = seq % 1000
            t0 = time.perf_counter()
            got = (await session.call("bench.add", [a, 1])).args
            t1 = time.perf_counter()
            if got != [a + 1]:
                raise RuntimeError(f"bench.add({a}, 1) gave {got}")
            seq += depth
            if t0 >= start and t1 <= end:
                count[0] += 1
                latencies.append(t1 - t0)
            if t1 >= end:
                return

    cpu, *_ = await asyncio.gather(cpu_in_window(start, end), *(lane(i) for i in range(depth)))
    await leave(session)
    return result(count[0], duration, cpu, latencies)


async def pubsub(url, realm, depth, warmup, duration):
    publisher = await connect(url, realm)
    subscriber = await connect(url, realm)
    start = time.perf_counter() + warmup
    end = start + duration
    received = [0]
    latencies = []
    progress = asyncio.Event()

    async def on_event(event):
        now = time.perf_counter()
        seq, sent = event.args
        if start <= now <= end:
            latencies.append(now - sent)
        received[0] = seq + 1
        progress.set()

    await subscriber.subscribe(TOPIC, on_event)
    seq, first, cpu0 = 0, None, 0.0
    while True:
        while seq >= received[0] + depth:
            progress.clear()
            await asyncio.wait_for(progress.wait(), 10)
        now = time.perf_counter()
        if first is None and now >= start:
            first, cpu0 = received[0], time.process_time()
        if now >= end:
            last = received[0]
            break
        await publisher.publish(TOPIC, [seq, now])
        seq += 1
    cpu = time.process_time() - cpu0
    await leave(publisher, subscriber)
    return result(last - first, duration, cpu, latencies)


async def main():
    workload, url, realm, depth, warmup_ms, duration_ms = sys.argv[1:7]
    run = {"rpc": rpc, "pubsub": pubsub}[workload]
    out = await run(url, realm, int(depth), int(warmup_ms) / 1000, int(duration_ms) / 1000)
    print("RESULT", json.dumps(out), flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:  # reported to wamp-bench
        print("ERROR", repr(e), flush=True)
        sys.exit(1)
