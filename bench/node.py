"""Benchmark one archive node of about 1,000,000 generated records, on SQLite and PostgreSQL.

Prints the import rate (rows/s) and id / name lookup latency (p50, p95) as figures and as
ratios to the issue's targets (import >= 20,000 rows/s, id p95 <= 5 ms, name p95 <= 50 ms).
Lookups are measured twice: in the search service (what the indexes cost) and through the
node's full HTTP stack in-process (token check, replay record, JSON, answer signature).

    .venv/bin/python bench/node.py                      # 1,000,000 records, both databases
    .venv/bin/python bench/node.py --records 100000     # a quicker run
    .venv/bin/python bench/node.py --backends sqlite    # SQLite only

PostgreSQL is the one at --postgres (a throwaway database is created and dropped).
"""

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.catalogues import generate  # noqa: E402
from nodes.app import create_app  # noqa: E402
from nodes.config import node_settings  # noqa: E402
from nodes.services.importer import import_file  # noqa: E402
from nodes.services.search import search  # noqa: E402
from nodes.storage import make_engine, upgrade_schema  # noqa: E402
from schemas.signing import generate_key_pair, load_private_key, mint_hub_token  # noqa: E402

RECORDS_PER_PERSON = 2.22  # what the generator yields on average
TARGETS = {"import_rows_per_s": 20_000, "id_p95_ms": 5.0, "name_p95_ms": 50.0}
CACHE = Path(__file__).resolve().parent / ".data"


def dataset(records: int, seed: int) -> tuple[Path, dict]:
    people = int(records / RECORDS_PER_PERSON)
    out = CACHE / f"standard-{people}-{seed}"
    manifest_path = out / "manifest.yaml"
    if manifest_path.exists():
        return out, yaml.safe_load(manifest_path.read_text("utf-8"))
    started = time.perf_counter()
    manifest = generate(out, people, seed, layout="standard")
    rows = sum(c["rows"] for a in manifest["archives"] for c in a["catalogues"])
    print(f"generated {rows:,} records for {people:,} people in "
          f"{time.perf_counter() - started:.0f} s -> {out}")
    return out, manifest


def node_catalogues(data: Path, manifest: dict) -> dict[str, Path]:
    """One archive of a million records holds one catalogue per record type: join the ten
    generated archives' standard CSVs into those four files."""
    joined = {}
    for record_type in ("marriage", "forestry_right", "sent_down_youth", "employment"):
        target = data / f"node-{record_type}.csv"
        joined[record_type] = target
        if target.exists():
            continue
        sources = [data / c["file"] for a in manifest["archives"] for c in a["catalogues"]
                   if c["record_type"] == record_type]
        with open(target, "w", encoding="utf-8", newline="") as out:
            for index, source in enumerate(sources):
                with open(source, encoding="utf-8-sig", newline="") as handle:
                    header = handle.readline()
                    if index == 0:
                        out.write(header)
                    out.writelines(handle)
    return joined


def queries(data: Path, count: int, seed: int) -> tuple[list[dict], list[dict]]:
    with open(data / "people.csv", encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    sample = random.Random(seed).sample(people, min(count, len(people)))
    by_id = [{"id_number": p["id_number"]} for p in sample]
    by_name = [{"name": p["name"], "birth_date": p["birth_date"][:4]} for p in sample]
    return by_id, by_name


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples_ms, n=100)
    return statistics.median(samples_ms), cuts[94]


def timed(call, subjects: list[dict]) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    for subject in subjects[:20]:  # warm caches and connections
        call(subject)
    samples, found = [], 0
    for subject in subjects:
        started = time.perf_counter()
        found += call(subject)
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(samples)
    return p50, p95, found / len(subjects)


def run_backend(name: str, url: str, catalogues: dict[str, Path], subjects: tuple) -> dict:
    engine = make_engine(url)
    upgrade_schema(engine)
    rows, started = 0, time.perf_counter()
    for record_type, path in catalogues.items():
        report = import_file(engine, record_type, path)
        assert not report.rejected, report.rejected[:5]
        rows += report.rows
    import_s = time.perf_counter() - started
    engine.dispose()

    keys = Path(tempfile.mkdtemp())
    _, hub_public = generate_key_pair(keys / "hub")
    node_private, _ = generate_key_pair(keys / "node")
    app = create_app({"ARCHIVE_CODE": "510500", "ARCHIVE_NAME": "bench", "DATABASE_URL": url,
                      "HUB_PUBLIC_KEY": hub_public, "SIGNING_KEY": node_private})
    settings = node_settings(app.config)
    database = app.extensions["liancha.db"]
    hub_key = load_private_key(keys / "hub" / "private.pem")
    client = app.test_client()

    def service(subject: dict) -> int:
        with database.session() as session:
            result = search(session, settings, {"subject": subject, "purpose": "bench",
                                                "request_id": "b"})
        return int(result.total > 0)

    def http(subject: dict) -> int:
        token = mint_hub_token(hub_key, "510500", "bench")
        answer = client.post("/v1/search", headers={"Authorization": f"Bearer {token}"},
                             json={"subject": subject, "purpose": "bench",
                                   "request_id": uuid.uuid4().hex})
        assert answer.status_code == 200, answer.json
        return int(answer.json["total"] > 0)

    by_id, by_name = subjects
    result = {"backend": name, "rows": rows, "import_s": import_s,
              "import_rows_per_s": rows / import_s}
    for label, call in (("service", service), ("http", http)):
        result[f"id_{label}"] = timed(call, by_id)
        result[f"name_{label}"] = timed(call, by_name)
    database.engine.dispose()
    return result


def report(result: dict) -> None:
    rate = result["import_rows_per_s"]
    print(f"\n== {result['backend']}: {result['rows']:,} records ==")
    print(f"import       {result['import_s']:7.1f} s  {rate:9,.0f} rows/s   "
          f"ratio to target {rate / TARGETS['import_rows_per_s']:.2f} (>= 1 meets it)")
    for kind, target in (("id", TARGETS["id_p95_ms"]), ("name", TARGETS["name_p95_ms"])):
        for label in ("service", "http"):
            p50, p95, hit = result[f"{kind}_{label}"]
            print(f"{kind:4s} lookup ({label:7s}) p50 {p50:6.2f} ms  p95 {p95:6.2f} ms   "
                  f"p95/target {p95 / target:.2f} (<= 1 meets it)   found {hit:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    data, manifest = dataset(args.records, args.seed)
    catalogues = node_catalogues(data, manifest)
    subjects = queries(data, args.lookups, args.seed)
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as scratch:
                report(run_backend("SQLite", f"sqlite:///{scratch}/node.sqlite", catalogues,
                                   subjects))
        elif backend == "postgresql":
            database = f"liancha_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(f"{args.postgres}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {database}"))
            try:
                report(run_backend("PostgreSQL", f"{args.postgres}/{database}", catalogues,
                                   subjects))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f"DROP DATABASE {database} WITH (FORCE)"))


if __name__ == "__main__":
    main()
