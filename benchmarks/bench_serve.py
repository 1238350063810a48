"""Load test of ``unspin serve``: requests/s, p50/p99 latency and memory for ``POST /v1/detect``.

    python benchmarks/bench_serve.py                       # 16 clients, 500-word texts
    python benchmarks/bench_serve.py --workers 2 --requests 400 --no-write
    python benchmarks/bench_serve.py --curve 1 4 16 64 200   # throughput up to refusal

Starts the real server (``unspin serve`` in a subprocess, on 127.0.0.1 and a free port), sends
``--requests`` detect requests from ``--clients`` concurrent keep-alive clients, each text a
distinct 500-word spun document (prose from benchmarks/corpus.py, spun by unspin.spinner), and
records every latency. The server's memory (RSS of its process tree) is sampled during the load.

Correctness under load: every response is compared with ``unspin.detect(text).to_dict()``
computed in this process; a response missing, failed, or equal to another text's result is
counted. Results go to docs/benchmarks.md (section ``serve``) unless ``--no-write``.

``--curve N ...`` measures instead the throughput curve up to the point of refusal (section
``serve-curve``): for each number of concurrent clients N, N clients each send
``--rounds`` requests one after another (half ``/v1/detect``, half ``/v1/restore``, short
distinct sentences), with no retry; every answer is counted as 200, 503 (and whether it
carries ``Retry-After``) or other. The server runs with its defaults (``--queue``,
``--concurrency``) unless given, so the point where the queue is full shows as 503s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from benchmarks._report import table, write_section  # noqa: E402


def texts_of(n: int, words: int, seed: int) -> list[str]:
    """``n`` distinct spun texts of exactly ``words`` words (cut at a word boundary)."""
    from benchmarks.corpus import documents
    from unspin.spinner import spin

    out: list[str] = []
    profiles = ["filler", "thesaurus", "papermill"]
    docs = list(documents("prose", n=None, seed=seed, words=(words, 3 * words), missing="skip"))
    for i, doc in enumerate(docs * len(profiles)):
        spun = spin(doc.text, profiles[i // len(docs)], rate=0.3, seed=seed + i).text
        ends = [m.end() for m in re.finditer(r"\S+", spun)]
        if len(ends) >= words:
            out.append(spun[: ends[words - 1]])
        if len(out) == n:
            break
    if len(out) < n:
        raise SystemExit(f"only {len(out)} texts of {words} words available; lower --requests")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-c",
        "import sys; from unspin.cli import main; sys.exit(main())",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--concurrency",
        str(args.concurrency),
        "--workers",
        str(args.workers),
        "--timeout",
        "120",
        *(["--processes"] if getattr(args, "processes", False) else []),
        *(["--queue", str(args.queue)] if getattr(args, "queue", None) is not None else []),
    ]
    env = {**os.environ, "UNSPIN_API_KEY": ""}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"server exited with {proc.returncode}: {err[-2000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


class MemorySampler(threading.Thread):
    """Peak RSS of a process and its children (uvicorn workers), sampled every 100 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def rss(self) -> int:
        import psutil

        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.1)


async def load(url: str, texts: list[str], clients: int) -> tuple[list[float], list[Any], float]:
    """Send every text once from ``clients`` concurrent clients; latencies and bodies in order."""
    import httpx

    latencies: list[float] = [0.0] * len(texts)
    bodies: list[Any] = [None] * len(texts)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(texts)):
        queue.put_nowait(i)

    async def client() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as c:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                try:
                    r = await c.post("/v1/detect", json={"text": texts[i]})
                    latencies[i] = time.perf_counter() - t0
                    bodies[i] = r.json() if r.status_code == 200 else ("status", r.status_code)
                except httpx.HTTPError as e:
                    latencies[i] = time.perf_counter() - t0
                    bodies[i] = ("error", repr(e))

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, bodies, time.perf_counter() - t0


def short_texts(n: int) -> list[str]:
    """``n`` distinct short spun sentences (10-20 words)."""
    from unspin.spinner import spin

    subjects = ["The president", "The finance minister", "A spokesman", "The council", "Police"]
    verbs = ["said on Monday that", "announced that", "told reporters that", "warned that"]
    rest = [
        "the new law would help working families pay their bills",
        "the storm had damaged hundreds of homes along the coast",
        "the company would cut jobs at its factory next year",
        "the hospital needed more nurses to meet the demand",
    ]
    out = []
    for i in range(n):
        s = f"{subjects[i % 5]} {verbs[i // 5 % 4]} {rest[i // 20 % 4]} (case {i})."
        out.append(spin(s, "thesaurus", rate=0.5, seed=i % 7).text)
    return out


async def curve_level(url: str, texts: list[str], clients: int, rounds: int) -> dict[str, Any]:
    """``clients`` clients each send ``rounds`` requests in turn, alternating detect and restore."""
    import httpx

    codes: list[int] = []
    retry_after: list[bool] = []
    ok_ms: list[float] = []

    async def client(k: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as c:
            for r in range(rounds):
                i = k * rounds + r
                path = "/v1/detect" if i % 2 == 0 else "/v1/restore"
                t0 = time.perf_counter()
                try:
                    resp = await c.post(path, json={"text": texts[i % len(texts)]})
                except httpx.HTTPError:
                    codes.append(-1)
                    retry_after.append(False)
                    continue
                codes.append(resp.status_code)
                retry_after.append("retry-after" in resp.headers)
                if resp.status_code == 200:
                    ok_ms.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = time.perf_counter() - t0
    busy = [ra for c, ra in zip(codes, retry_after, strict=True) if c == 503]
    return {
        "requests": len(codes),
        "ok": codes.count(200),
        "busy": len(busy),
        "busy_retry_after": sum(busy),
        "other": sum(1 for c in codes if c not in (200, 503)),
        "wall": wall,
        "p50": pct(ok_ms, 0.5) if ok_ms else 0.0,
        "p99": pct(ok_ms, 0.99) if ok_ms else 0.0,
    }


def run_curve(args: argparse.Namespace) -> int:
    import psutil

    texts = short_texts(max(args.curve) * args.rounds)
    rows = []
    for executor in args.executors:
        args.processes = executor == "processes"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(port, args)
        try:
            wait_ready(url, proc)
            asyncio.run(curve_level(url, texts, 2, 2))  # warm-up: both endpoints loaded
            for clients in args.curve:
                print(f"{executor}: {clients} clients ...", file=sys.stderr)
                r = asyncio.run(curve_level(url, texts, clients, args.rounds))
                rows.append(
                    [
                        executor,
                        clients,
                        r["requests"],
                        round(r["ok"] / r["wall"], 1),
                        round(r["requests"] / r["wall"], 1),
                        f"{r['busy'] / r['requests']:.0%}",
                        f"{r['busy_retry_after']}/{r['busy']}",
                        r["other"],
                        round(r["p50"]),
                        round(r["p99"]),
                    ]
                )
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    headers = [
        "library calls in",
        "clients",
        "requests",
        "answered 200/s",
        "all answers/s",
        "503 share",
        "503 with Retry-After",
        "other errors",
        "p50 ms (200s)",
        "p99 ms (200s)",
    ]
    queue = args.queue if args.queue is not None else "64 (default)"
    body = (
        f"Each of N concurrent keep-alive clients on loopback sends {args.rounds} requests one "
        f"after another, half `POST /v1/detect`, half `POST /v1/restore`, each a distinct "
        f"spun sentence of 10-20 words; no client retries. Server: {args.workers} server "
        f"process(es), {args.concurrency or os.cpu_count()} library call(s) at a time, queue "
        f"{queue} (`unspin serve`, or `unspin serve --processes`).\n\n"
        + table(headers, rows)
        + f"\n\n{psutil.cpu_count()} cores, shared with other work. 'answered 200/s' is the "
        "throughput; past the point of refusal the extra clients get 503 `busy` at once "
        "(with `Retry-After`), so 'all answers/s' keeps rising while 200/s stays flat. "
        "'other errors' counts any answer that is neither 200 nor 503 (504 timeouts, "
        "connection errors)."
    )
    print(body)
    if not args.no_write:
        cmd = "python benchmarks/bench_serve.py " + " ".join(sys.argv[1:])
        write_section("serve-curve", "Web service: throughput up to refusal", cmd.strip(), body)
    bad = any(row[7] for row in rows) or any(
        row[6].split("/")[0] != row[6].split("/")[1] for row in rows
    )
    return 1 if bad else 0


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=320, help="distinct texts, each sent once")
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    ap.add_argument("--concurrency", type=int, default=0, help="library calls per process")
    ap.add_argument(
        "--executors",
        nargs="+",
        choices=["threads", "processes"],
        default=["threads", "processes"],
        help="where the server runs library calls; one load test each",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--curve",
        type=int,
        nargs="+",
        metavar="N",
        help="measure the throughput curve at these numbers of concurrent clients instead",
    )
    ap.add_argument("--rounds", type=int, default=4, help="requests per client (--curve)")
    ap.add_argument("--queue", type=int, default=None, help="server queue (default: its own)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    if args.curve:
        if min(args.curve) < 1 or args.rounds < 1:
            ap.error("--curve levels and --rounds must be at least 1")
        return run_curve(args)

    import psutil

    import unspin

    print(f"preparing {args.requests} texts of {args.words} words ...", file=sys.stderr)
    phases = [
        (f"{args.words}-word spun prose", texts_of(args.requests, args.words, args.seed)),
        # the same load on one-sentence texts: what the service itself adds to each request
        (
            "8-word sentence",
            [f"The head of state signed invoice {i}." for i in range(args.requests)],
        ),
    ]
    print("computing the expected results in-process ...", file=sys.stderr)
    expected: list[list[Any]] = []
    alone: list[float] = []
    for _label, texts in phases:
        unspin.detect(texts[0])
        t0 = time.perf_counter()
        expected.append([json.loads(json.dumps(unspin.detect(t).to_dict())) for t in texts])
        alone.append((time.perf_counter() - t0) / len(texts) * 1000)

    rows = []
    notes = []
    ok = True
    p99_main: dict[str, float] = {}
    for executor in args.executors:
        args.processes = executor == "processes"
        print(f"load test, library calls in {executor} ...", file=sys.stderr)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(port, args)
        load_before = os.getloadavg()[0]
        results = []
        try:
            wait_ready(url, proc)
            sampler = MemorySampler(proc.pid)
            idle_rss = sampler.rss()
            sampler.start()
            for _label, texts in phases:
                results.append(asyncio.run(load(url, texts, args.clients)))
            sampler.stop.set()
            sampler.join()
            after_rss = sampler.rss()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        load_after = os.getloadavg()[0]
        notes.append(
            f"- {executor}: server RSS (process tree) {idle_rss / 2**20:.0f} MiB idle after "
            f"warm-up, {sampler.peak / 2**20:.0f} MiB peak under load, "
            f"{after_rss / 2**20:.0f} MiB after; machine load average {load_before:.1f} before, "
            f"{load_after:.1f} after."
        )
        for (label, texts), want, (latencies, bodies, wall), single in zip(
            phases, expected, results, alone, strict=True
        ):
            failed = sum(1 for b in bodies if not isinstance(b, dict))
            wrong = sum(
                1 for b, e in zip(bodies, want, strict=True) if isinstance(b, dict) and b != e
            )
            by_result = {json.dumps(e, sort_keys=True): i for i, e in enumerate(want)}
            swapped = sum(
                1
                for i, b in enumerate(bodies)
                if isinstance(b, dict)
                and b != want[i]
                and by_result.get(json.dumps(b, sort_keys=True), i) != i
            )
            ok = ok and failed == 0 and wrong == 0
            ms = [x * 1000 for x in latencies]
            p99_main.setdefault(executor, pct(ms, 0.99))
            rows.append(
                [
                    executor,
                    label,
                    len(texts),
                    round(len(texts) / wall, 2),
                    round(pct(ms, 0.5)),
                    round(pct(ms, 0.99)),
                    round(max(ms)),
                    round(single, 1),
                    failed,
                    wrong,
                    swapped,
                ]
            )
    headers = [
        "library calls in",
        "texts",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "1 call alone ms",
        "failed",
        "wrong",
        "swapped",
    ]
    body = (
        f"{args.clients} concurrent keep-alive clients on loopback; server: {args.workers} "
        f"server process(es), {args.concurrency or os.cpu_count()} library call(s) at a time "
        f"per server process (`unspin serve`, or `unspin serve --processes`).\n\n"
        + table(headers, rows)
    )
    best = min(p99_main.values())
    verdict = "met" if best <= 100 else "NOT met"
    body += (
        "\n\n" + "\n".join(notes) + f"\n\n{psutil.cpu_count()} cores; other work on the "
        f"machine inflates the latencies. Target p99 <= 100 ms for {args.words}-word texts: "
        f"**{verdict}** (best p99 {best:.0f} ms). Each request is a distinct text sent once (no "
        f"result cache helps). '1 call alone' is `unspin.detect` on the same texts in one "
        f"process, one at a time: the floor for a request; with N clients queued on C cores, "
        f"p50 is about N/C times it. 'wrong' counts responses that differ from "
        f"`unspin.detect(text)`, 'swapped' those equal to another request's result, 'failed' "
        f"non-200 answers."
    )
    print(body)
    if not args.no_write:
        cmd = "python benchmarks/bench_serve.py " + " ".join(sys.argv[1:])
        write_section("serve", "Web service: /v1/detect under load", cmd.strip(), body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
