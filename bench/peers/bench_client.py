"""The benchmark workloads with autobahn-python (asyncio), as wamp-bench runs them with our client.

    python bench_client.py rpc    URL REALM IN_FLIGHT WARMUP_MS DURATION_MS
    python bench_client.py pubsub URL REALM IN_FLIGHT WARMUP_MS DURATION_MS

rpc: calls bench.add(a, 1) with IN_FLIGHT calls in flight and checks every result.
pubsub: a publisher and a subscriber session on bench.topic; the publisher keeps at most
IN_FLIGHT events not yet received, so the rate is what is delivered.
Prints RESULT {"ops", "secs", "cpu_secs", "p50_us", "p99_us"} for the measured window (CPU is
time.process_time(), this process's user + system time); a failure prints ERROR and exits 1.
URL is ws://host:port[/path]; the serializer is JSON.
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlparse

from autobahn.asyncio.wamp import ApplicationSession
from autobahn.asyncio.websocket import WampWebSocketClientFactory
from autobahn.wamp.serializer import JsonSerializer
from autobahn.wamp.types import ComponentConfig

from bench_common import cpu_in_window, result

TOPIC = "bench.topic"


class Joined(ApplicationSession):
    def onJoin(self, details):
        fut = self.config.extra["joined"]
        if not fut.done():
            fut.set_result(self)

    def onDisconnect(self):
        fut = self.config.extra["joined"]
        if not fut.done():
            fut.set_exception(RuntimeError("disconnected before joining"))


async def connect(url, realm):
    loop = asyncio.get_running_loop()
    joined = loop.create_future()
    make = lambda: Joined(ComponentConfig(realm=realm, extra={"joined": joined}))
    factory = WampWebSocketClientFactory(make, url=url, serializers=[JsonSerializer()])
    parsed = urlparse(url)
    await loop.create_connection(factory, parsed.hostname, parsed.port)
    return await asyncio.wait_for(joined, 10)


async def rpc(url, realm, depth, warmup, duration):
    session = await connect(url, realm)
    start = time.perf_counter() + warmup
    end = start + duration
    latencies, count = [], [0]

    async def lane(seq):
        while True:
            a = seq % 1000
            t0 = time.perf_counter()
            got = await session.call("bench.add", a, 1)
            t1 = time.perf_counter()
            if got != a + 1:
                raise RuntimeError(f"bench.add({a}, 1) gave {got}")
            seq += depth
            if t0 >= start and t1 <= end:
                count[0] += 1
                latencies.append(t1 - t0)
            if t1 >= end:
                return

    cpu, *_ = await asyncio.gather(cpu_in_window(start, end), *(lane(i) for i in range(depth)))
    session.leave()
    return result(count[0], duration, cpu, latencies)


async def pubsub(url, realm, depth, warmup, duration):
    publisher = await connect(url, realm)
    subscriber = await connect(url, realm)
    start = time.perf_counter() + warmup
    end = start + duration
    received = [0]
    latencies = []
    progress = asyncio.Event()

    def on_event(seq, sent):
        now = time.perf_counter()
        if start <= now <= end:
            latencies.append(now - sent)
        received[0] = seq + 1
        progress.set()

    await subscriber.subscribe(on_event, TOPIC)
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
        publisher.publish(TOPIC, seq, now)
        seq += 1
    cpu = time.process_time() - cpu0
    publisher.leave()
    subscriber.leave()
    return result(last - first, duration, cpu, latencies)


async def main():
    workload, url, realm, depth, warmup_ms, duration_ms = sys.argv[1:7]
    run = {"rpc": rpc, "pubsub": pubsub}[workload]
    out = await run(url, realm, int(depth), int(warmup_ms) / 1000, int(duration_ms) / 1000)
    print("RESULT", json.dumps(out), flush=True)
    await asyncio.sleep(0.05)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:  # reported to wamp-bench
        print("ERROR", repr(e), flush=True)
        sys.exit(1)
