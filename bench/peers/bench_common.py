"""What the Python benchmark clients share (bench_client.py with autobahn-python, bench_xconn.py
with XConn): the RESULT record wamp-bench reads, its latency quantiles, and CPU time over the
measured window."""

import asyncio
import time


def quantile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round((len(values) - 1) * q))]


def result(ops, secs, cpu, latencies_s, extra=None):
    return {
        "ops": ops,
        "secs": secs,
        "cpu_secs": cpu,
        "p50_us": quantile(latencies_s, 0.5) * 1e6,
        "p99_us": quantile(latencies_s, 0.99) * 1e6,
        "extra": extra or {},
    }


async def cpu_in_window(start, end):
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    c0 = time.process_time()
    await asyncio.sleep(max(0.0, end - time.perf_counter()))
    return time.process_time() - c0
