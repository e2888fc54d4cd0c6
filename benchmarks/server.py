"""Latency of xl-pib's server (xlwings Server) on loopback: a PIB_RAG custom-function call and a full rebuild.

    python benchmarks/server.py [--quick]

Starts ``xl-pib serve`` in a child process on a free 127.0.0.1 port (``XLWINGS_LICENSE_KEY``
defaults to ``noncommercial`` here, as in the tests), with token sign-in (``XL_PIB_AUTH=token``),
so every request carries the token as the add-in sends it. Then for 1 and 10 concurrent clients,
each sending its requests one after another, reports the p50 and p99 latency of:

- ``POST /xlwings/custom-functions-call`` with the body Office.js sends for ``=PIB_RAG(...)``;
- ``POST /pib/build`` with the Kettering demo input workbook (the bulletin comes back);

and, from one client, the latency of one call over a 50,000-cell range (``=PIB_RAG`` on a column),
where xlwings Server's conversion of the cells dominates.

The issue sets no target for these; they are reported. ``bench_server(row, quick)`` adds the rows to
``benchmarks/run.py``'s table.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "udfs")) if p not in sys.path]

RAG_CALL = {"client": "Office.js", "version": "0.37.8", "func_name": "PIB_RAG",
            "args": [[["Above Target"]], [["No"]], None], "caller_address": "[pib_bulletin.xlsm]Sheet1!A1",
            "session_id": "benchmark", "culture_info_name": "en-US", "date_format": "M/d/yyyy", "runtime": "1.4"}


def percentile(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def _latencies(url: str, send, clients: int, per_client: int) -> list[float]:
    """``clients`` concurrent clients, each sending ``per_client`` requests back to back."""
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=600, limits=limits) as http:
        async def client() -> list[float]:
            times = []
            for _ in range(per_client):
                started = time.perf_counter()
                reply = await send(http)
                if reply.status_code != 200:
                    raise RuntimeError(f"{reply.status_code}: {reply.text[:200]}")
                times.append(time.perf_counter() - started)
            return times

        return [t for times in await asyncio.gather(*(client() for _ in range(clients))) for t in times]


def bench_server(row, quick: bool) -> None:
    from xl_pib.demo import write_demo_input
    from xl_pib.serve import BUILD_PATH, ServerProcess

    token = secrets.token_urlsafe(16)
    env = {"XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"), "XL_PIB_AUTH": "token",
           "XL_PIB_TOKEN": token}
    with tempfile.TemporaryDirectory() as folder:
        workbook = write_demo_input(Path(folder) / "demo_input.xlsx").read_bytes()
    headers = {"Authorization": f"Bearer {token}", "Auth-Provider": "token"}
    cells = 50_000
    column_call = {**RAG_CALL, "args": [[["Above Target"], ["On Target"]] * (cells // 2), [["No"]], None]}

    def rag(http):
        return http.post("/xlwings/custom-functions-call", json=RAG_CALL, headers=headers)

    def column(http):
        return http.post("/xlwings/custom-functions-call", json=column_call, headers=headers)

    def rebuild(http):
        return http.post(BUILD_PATH, content=workbook, headers=headers)

    calls = 20 if quick else 100  # per client
    builds = {1: 3 if quick else 20, 10: 1 if quick else 3}  # per client
    with ServerProcess(env) as server:
        asyncio.run(_latencies(server.url, rag, 1, 5))  # warm: the first call imports what the functions need
        asyncio.run(_latencies(server.url, rebuild, 1, 1))
        for clients in (1, 10):
            times = asyncio.run(_latencies(server.url, rag, clients, calls))
            row(f"server: PIB_RAG call, {clients} concurrent client{'s' * (clients > 1)} "
                f"({len(times)} calls), p50 / p99",
                f"{statistics.median(times) * 1000:.1f} / {percentile(times, 0.99) * 1000:.1f} ms", "", None)
        times = asyncio.run(_latencies(server.url, column, 1, 3 if quick else 10))
        row(f"server: PIB_RAG over a {cells:,}-cell column, 1 client ({len(times)} calls), p50 / p99",
            f"{statistics.median(times) * 1000:.0f} / {percentile(times, 0.99) * 1000:.0f} ms", "", None)
        for clients in (1, 10):
            times = asyncio.run(_latencies(server.url, rebuild, clients, builds[clients]))
            row(f"server: demo rebuild POST {BUILD_PATH}, {clients} concurrent client{'s' * (clients > 1)} "
                f"({len(times)} builds), p50 / p99",
                f"{statistics.median(times):.2f} / {percentile(times, 0.99):.2f} s", "", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, measured: str, target: str, ok: bool | None) -> None:
        rows.append((name, measured, target, "" if ok is None else ("yes" if ok else "NO")))
        print(f"  {name}: {measured}", file=sys.stderr)

    bench_server(row, args.quick)
    widths = [max(len(r[i]) for r in rows + [("measure", "measured", "target", "ok")]) for i in range(4)]
    for r in [("measure", "measured", "target", "ok"), tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
