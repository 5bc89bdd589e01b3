"""Benchmark Liancha at national scale: 3,300 archives, with and without nested hubs.

One asynchronous process (`--serve`, started by this script) serves `--archives` simulated
archives (3,300: every comprehensive archive in the country) on one port, each under
`/a/<code>/`: its own Ed25519 signing key, its slice of the records of `--people`
generated people (bench/locator.py's lives: names at national frequencies, lives that
cross archives; `--names regional` for the regional generator's few names), its record
locator (built as a node builds it), and a service time drawn from 20–50 ms per search
(awaited, not slept on a thread). A simulated archive signs every answer as a node does
but does not check the hub's token (a real node does: ~0.1 ms).

The hub side is Liancha's own code over real HTTP:
1. **flat**: one `FanOut` over the 3,300 archives with their locators (fetched over HTTP
   like a hub fetches them), asked about `--subjects` people (half by id number and
   name, half by name and birth date): archives asked per query, false negatives against
   the ground truth (an archive holding one of the person's records that did not answer
   `ok` with it), and the hub's latency as a ratio to the slowest archive asked (its own
   `took_ms`, in its signed answer);
2. **nested**: the same archives under `--provinces` provincial hubs (31), each a real
   `liancha hub serve` process with the locator key and `--upper-hub-public-key`, under a
   national `FanOut` whose entries are the provincial hubs (`kind: hub`), routing on the
   union locators they publish: the same figures through two levels;
3. **broadcast**: the flat hub without locators, asking all 3,300 archives: latency, the
   hub process's memory and CPU per query.

    .venv/bin/python bench/national.py                    # the issue's figures (~10 min)
    .venv/bin/python bench/national.py --people 100000 --subjects 200 --provinces 8
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402
import requests  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from schemas.signing import public_jwk, public_pem  # noqa: E402

PURPOSE = "national benchmark"
ROOT = Path(__file__).resolve().parent.parent


def archive_code(index: int) -> str:
    return f"{100000 + index:06d}"


def archive_key(index: int) -> Ed25519PrivateKey:
    """Each archive's own signing key, the same in both processes."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"archive {index}".encode()).digest())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# -- the archives' process -------------------------------------------------------------

def serve(args: argparse.Namespace) -> None:
    """The simulated archives, on one event loop (aiohttp's web server)."""
    import asyncio

    from aiohttp import web

    from bench.locator import KEY, lives, party
    from runtime.serving import tune_collector_for_serving
    from schemas.locator import FORMAT, encode_filter, new_filter, party_keys
    from schemas.signing import sign_body

    rng = random.Random(args.seed)
    keys_of: list[list[str]] = [[] for _ in range(args.archives)]
    parties_of = [0] * args.archives
    sample: list[dict] = []
    by_subject: dict[str, set[int]] = {}  # id number, or name|birth: archives holding them
    every = max(1, args.people // (args.subjects * 2))
    for index, (person, held) in enumerate(lives(args.people, args.archives, rng,
                                                 args.names)):
        for archive in held:
            keys_of[archive].extend(party_keys(*party(person, rng)))
            parties_of[archive] += 1
        if index % every == 0 and len(sample) < args.subjects * 2:
            by_id = len(sample) % 2 == 0
            subject = ({"id_number": person.id18, "name": person.name} if by_id else
                       {"name": person.name, "birth_date": person.birth_iso})
            sample.append({"subject": subject, "holders": sorted(map(archive_code, held))})
            by_subject.setdefault(_subject_key(subject), set()).update(held)
    locators = []
    for index, keys in enumerate(keys_of):
        bloom = new_filter(len(keys))
        bloom.update(KEY.hashed(keys))
        locators.append(orjson.dumps({
            "archive": {"code": archive_code(index), "name": f"档案馆{index}"},
            "format": FORMAT, "key_id": KEY.key_id, "built_at": "2026-12-07T00:00:00+00:00",
            "false_positive_rate": 1e-4, "parties": parties_of[index], "keys": len(keys),
            "filter": encode_filter(bloom)}))
    del keys_of
    signers = [archive_key(index) for index in range(args.archives)]
    draw = random.Random(args.seed + 1)
    # the million people's truth stays for the process's life: the collector's full passes
    # over it would stall every archive at once; spared as a serving hub spares its own
    tune_collector_for_serving()

    def index_of(request: web.Request) -> int:
        index = int(request.match_info["code"]) - 100000
        if not 0 <= index < args.archives:
            raise web.HTTPNotFound()
        return index

    async def search(request: web.Request) -> web.Response:
        started = time.perf_counter()
        index = index_of(request)
        body = await request.json()
        code = archive_code(index)
        await asyncio.sleep(draw.uniform(0.020, 0.050))  # the archive's own search
        records = []
        if index in by_subject.get(_subject_key(body["subject"]), ()):
            records.append(_record(code, body["subject"]))
        answer = orjson.dumps({
            "archive": {"code": code, "name": f"档案馆{index}"},
            "request_id": body["request_id"], "records": records, "total": len(records),
            "truncated": False, "took_ms": round((time.perf_counter() - started) * 1000, 2)})
        return web.Response(body=answer, content_type="application/json", headers={
            "Liancha-Signature": sign_body(signers[index], answer, code, body["request_id"])})

    async def locator(request: web.Request) -> web.Response:
        index = index_of(request)
        body = locators[index]
        return web.Response(body=body, content_type="application/json", headers={
            "Liancha-Signature": sign_body(signers[index], body, archive_code(index), None),
            "ETag": f'"{index}"'})

    async def truth(_request: web.Request) -> web.Response:
        return web.Response(body=orjson.dumps(sample), content_type="application/json")

    app = web.Application(client_max_size=1024 ** 2)
    app.add_routes([web.post("/a/{code}/v1/search", search),
                    web.get("/a/{code}/v1/locator", locator),
                    web.get("/truth", truth),
                    web.get("/readyz", lambda _r: _ok())])
    print(f"serving {args.archives} archives on port {args.port}", flush=True)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, backlog=4096,
                access_log=None)


async def _ok():  # type: ignore[no-untyped-def]
    from aiohttp import web

    return web.Response(text="ok")


def _subject_key(subject: dict) -> str:
    return subject.get("id_number") or f"{subject.get('name')}|{subject.get('birth_date')}"


def _record(code: str, subject: dict) -> dict:
    return {"record_id": f"{code}/marriage/{uuid.uuid4().hex[:12]}", "record_type": "marriage",
            "archive": {"code": code, "name": "档案馆"}, "reference": {}, "event_date": None,
            "parties": [{"role": "husband", "name": subject["name"],
                         "name_raw": subject["name"]}],
            "details": {}, "access": "open", "match": {"score": 0.9, "basis": ["name_exact"]}}


# -- the hub's side ---------------------------------------------------------------------

def entries(args: argparse.Namespace, url: str):  # type: ignore[no-untyped-def]
    from federation.registry import NodeEntry

    made = []
    for index in range(args.archives):
        public = archive_key(index).public_key()
        made.append(NodeEntry(archive_code(index), f"档案馆{index}",
                              f"{url}/a/{archive_code(index)}",
                              {public_jwk(public)["kid"]: public}))
    return made


def ask(fanout, sample: list[dict]) -> dict:  # type: ignore[no-untyped-def]
    """Each subject once: archives asked, misses against the truth, latency ratios."""
    from federation.fanout.outcomes import NOT_HELD, OK

    asked, ratios, latencies, missed, failed = [], [], [], 0, 0
    for item in sample:
        request = {"subject": item["subject"], "purpose": PURPOSE,
                   "request_id": uuid.uuid4().hex}
        started = time.perf_counter()
        outcomes = fanout.search(request)
        elapsed = time.perf_counter() - started
        called = [o for o in outcomes if o.status != NOT_HELD]
        asked.append(len(called))
        failed += sum(1 for o in called if o.status != OK)
        found = {o.archive["code"] for o in called if o.status == OK and o.records}
        missed += len(set(item["holders"]) - found)
        slowest = max((orjson.loads(o.evidence.body)["took_ms"] for o in called
                       if o.status == OK and o.evidence is not None), default=None)
        latencies.append(elapsed * 1000)
        if slowest:
            ratios.append(elapsed * 1000 / slowest)
    return {"asked": asked, "ratios": ratios, "latencies": latencies, "missed": missed,
            "failed": failed}


def report(name: str, figures: dict, archives: int) -> None:
    asked, ratios, latencies = figures["asked"], figures["ratios"], figures["latencies"]
    print(f"{name}: {len(asked)} subjects")
    print(f"  archives asked per query: p50 {percentile(asked, 0.5):.0f}, p95 "
          f"{percentile(asked, 0.95):.0f}, max {max(asked)} of {archives:,} (target p95 <= 20)")
    print(f"  false negatives: {figures['missed']} (must be 0); calls not ok: "
          f"{figures['failed']}")
    print(f"  hub latency: p50 {percentile(latencies, 0.5):.0f} ms, p95 "
          f"{percentile(latencies, 0.95):.0f} ms")
    print(f"  hub latency / slowest archive asked: p50 {percentile(ratios, 0.5):.2f}, p95 "
          f"{percentile(ratios, 0.95):.2f} (target p95 <= 1.25)")


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def broadcast(fanout, sample: list[dict], queries: int) -> None:  # type: ignore[no-untyped-def]
    from federation.fanout.outcomes import OK

    before = rss_mib()
    latencies, cpu, ok = [], [], []
    for item in sample[:queries]:
        request = {"subject": item["subject"], "purpose": PURPOSE,
                   "request_id": uuid.uuid4().hex}
        cpu_start, started = time.process_time(), time.perf_counter()
        outcomes = fanout.search(request)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
        ok.append(sum(1 for o in outcomes if o.status == OK))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"broadcast to all {len(fanout.nodes):,} archives without the locator, {queries} "
          f"queries:")
    print(f"  latency p50 {percentile(latencies, 0.5):.0f} ms, p95 "
          f"{percentile(latencies, 0.95):.0f} ms; archives ok per query: min {min(ok):,}")
    print(f"  hub CPU per query: p50 {percentile(cpu, 0.5):.0f} ms (hub process, both cores)")
    print(f"  hub memory: {before:.0f} MiB before, {rss_mib():.0f} MiB after, peak "
          f"{peak:.0f} MiB")


def provincial_hubs(args: argparse.Namespace, url: str, work: Path, upper_public: Path,
                    locator_key: Path, base_port: int) -> tuple[list, list]:
    """Start `--provinces` real hub processes over the archives; their entries for the
    national hub (`kind: hub`) and their processes."""
    import yaml

    from federation.registry import NodeEntry
    from schemas.signing import generate_key_pair, load_public_key

    _, identity_public = generate_key_pair(work / "identity")
    pem_dir = work / "archives"
    pem_dir.mkdir()
    for index in range(args.archives):
        (pem_dir / f"{archive_code(index)}.pem").write_bytes(
            public_pem(archive_key(index).public_key()))
    processes, hubs = [], []
    per = -(-args.archives // args.provinces)
    for province in range(args.provinces):
        code, port = f"{900000 + province:06d}", base_port + province
        home = work / code
        private, public = generate_key_pair(home / "keys")
        nodes = [{"code": archive_code(i), "name": f"档案馆{i}",
                  "url": f"{url}/a/{archive_code(i)}",
                  "public_key": str(pem_dir / f"{archive_code(i)}.pem")}
                 for i in range(province * per, min(args.archives, (province + 1) * per))]
        (home / "nodes.yaml").write_text(yaml.safe_dump({"nodes": nodes}, allow_unicode=True))
        log = open(home / "hub.log", "wb")  # noqa: SIM115 - lives with the process
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "liancha", "hub", "serve", "--nodes", str(home / "nodes.yaml"),
             "--signing-key", str(private), "--identity-public-key", str(identity_public),
             "--database-url", f"sqlite:///{home / 'hub.sqlite'}",
             "--certificate-keys", str(home / "certificate-keys"), "--port", str(port),
             "--locator-key", str(locator_key), "--upper-hub-public-key", str(upper_public),
             "--hub-code", code, "--hub-name", f"省级中心{province}", "--threads", "8"],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, "LIANCHA_NODE_DEADLINE_S": "4", "LIANCHA_OVERALL_DEADLINE_S": "6",
                 "LIANCHA_LOCATOR_MAX_AGE_S": "3600", "LIANCHA_PROBE_INTERVAL_S": "0",
                 "LIANCHA_REMINDER_INTERVAL_S": "0", "LIANCHA_BATCH_SWEEP_S": "0",
                 "LIANCHA_CALLBACK_POLL_S": "0", "LIANCHA_RATE_LIMIT_PER_MINUTE": "0"}))
        key = load_public_key(public)
        hubs.append(NodeEntry(code, f"省级中心{province}", f"http://127.0.0.1:{port}",
                              {public_jwk(key)["kid"]: key}, kind="hub"))
    try:
        for hub, process in zip(hubs, processes, strict=True):
            _wait(f"{hub.url}/readyz", process)
    except BaseException:  # none may outlive the benchmark (its port would be taken)
        for process in processes:
            process.terminate()
        raise
    return hubs, processes


def _wait(url: str, process: subprocess.Popen | None = None, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended ({process.returncode})")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--archives", type=int, default=3_300)
    parser.add_argument("--subjects", type=int, default=1_000)
    parser.add_argument("--nested-subjects", type=int, default=300)
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--broadcasts", type=int, default=10)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--names", choices=("national", "regional"), default="national",
                        help="name frequencies: the country's (default) or the regional "
                             "generator's")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, resource.getrlimit(
        resource.RLIMIT_NOFILE)[1]),) * 2)
    if args.serve:
        serve(args)
        return

    from bench.locator import KEY
    from federation.fanout import FanOut
    from federation.fanout.locators import LocatorBook
    from runtime.serving import tune_collector_for_serving

    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([sys.executable, __file__, "--serve", *sys.argv[1:]], cwd=ROOT)
    processes: list[subprocess.Popen] = []
    try:
        started = time.monotonic()
        _wait(f"{url}/readyz", server)
        print(f"{args.archives:,} archives of {args.people:,} people served by one process "
              f"(ready in {time.monotonic() - started:.0f} s)", flush=True)
        sample = requests.get(f"{url}/truth", timeout=60).json()
        hub_key = Ed25519PrivateKey.generate()
        archives = entries(args, url)
        book = LocatorBook(archives, KEY, hub_key, max_age_s=3600)
        started = time.monotonic()
        assert all(book.refresh(entry.code) for entry in archives)
        print(f"flat hub: {args.archives:,} locators fetched in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        flat = FanOut(archives, hub_key, default_deadline_s=4.0, overall_deadline_s=6.0,
                      max_calls=2 * args.archives, locators=book, hedge_budget=0.0)
        tune_collector_for_serving()  # as `liancha hub serve` does once it has started
        ask(flat, sample[:20])  # warm-up: connections, hedging's samples
        report("flat (one hub, locators)", ask(flat, sample[:args.subjects]), args.archives)
        flat.close()

        with tempfile.TemporaryDirectory() as directory:
            work = Path(directory)
            from schemas.signing import generate_key_pair, load_private_key

            upper_private, upper_public = generate_key_pair(work / "upper")
            (work / "locator.key").write_text(KEY.secret.hex() + "\n")
            started = time.monotonic()
            hubs, processes = provincial_hubs(args, url, work, upper_public,
                                              work / "locator.key", args.port + 1)
            print(f"nested: {args.provinces} provincial hubs up in "
                  f"{time.monotonic() - started:.0f} s", flush=True)
            national_key = load_private_key(upper_private)
            national_book = LocatorBook(hubs, KEY, national_key, max_age_s=3600)
            deadline = time.monotonic() + 600
            for hub in hubs:  # until it holds every archive's locator (asking has it fetch
                while not national_book.refresh(hub.code):  # those it misses again)
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{hub.code} did not fetch its archives' locators")
                    time.sleep(1)
            national = FanOut(hubs, national_key, default_deadline_s=5.0,
                              overall_deadline_s=7.0, locators=national_book,
                              hedge_budget=0.0)
            tune_collector_for_serving()
            ask(national, sample[:10])
            report(f"nested (national hub → {args.provinces} provincial hubs → archives)",
                   ask(national, sample[:args.nested_subjects]), args.archives)
            national.close()
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)
            processes = []

        everyone = FanOut(archives, hub_key, default_deadline_s=8.0, overall_deadline_s=10.0,
                          max_calls=2 * args.archives, hedge_budget=0.0)
        everyone.search({"subject": sample[0]["subject"], "purpose": PURPOSE,
                         "request_id": uuid.uuid4().hex})  # warm-up: the connections
        broadcast(everyone, sample, args.broadcasts)
        everyone.close()
    finally:
        for process in [*processes, server]:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
