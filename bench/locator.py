"""Benchmark the record locator at national scale: who is asked, and what it costs.

Simulates `--archives` archives (3,300: every comprehensive archive in the country) holding
the records of `--people` generated people (1,000,000; the generator's name frequencies,
birth years and id numbers), whose lives cross archives: 1-4 records each, mostly in a home
archive, some in neighbouring ones, a few anywhere. Each record's party carries an id
number for about a third of records (most records before 1984 have none) and a birth date
for 70 %. Every archive's locator is built as a node builds it (`schemas.locator`), then
`--subjects` (1,000) people are looked up as a hub routes them (its bit-sliced filters,
checked against rbloom's own answer for each subject): half by id number and name,
half by name and birth date only. People are named at national frequencies
(`generator.national_names`; `--names regional` for the regional generator's few names,
namesakes on purpose). Prints:

- archives asked per query (p50, p95, max) of the archives in the country, per kind of
  subject, and false negatives: archives holding one of the subject's records that the
  locator would not ask (must be 0); and how many would be asked on the other keys alone,
  without those of namesakes whose birth date is unknown (which the search matches);
- locator size per archive (p50, max) and for all archives together, and build time;
- the time to rebuild one node's locator after a 100,000-row import (a real SQLite node,
  `nodes.services.locator.build_locator`).

    .venv/bin/python bench/locator.py                      # the national figures
    .venv/bin/python bench/locator.py --people 100000      # quicker
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.national_names import NationalNames  # noqa: E402
from generator.people import PeopleFactory  # noqa: E402
from schemas.locator import LocatorKey, new_filter, party_keys, subject_keys  # noqa: E402
from schemas.names import normalize_name, pinyin_key  # noqa: E402
from schemas.subjects import read_subject  # noqa: E402

KEY = LocatorKey(bytes(range(32)))


def lives(people: int, archives: int, rng: random.Random,  # type: ignore[no-untyped-def]
          names: str = "national"):
    """(person, [archive index of each record]) for each generated person, named at
    national frequencies (`generator.national_names`) or, with `names="regional"`, as the
    regional generator names them (its few names: namesakes on purpose)."""
    factory = PeopleFactory(rng)
    national = NationalNames(rng) if names == "national" else None
    for _ in range(people):
        person = factory.make()
        if national is not None:
            person.name = national.name(person.gender, person.birth[0])
        home = rng.randrange(archives)
        held = []
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
            roll = rng.random()
            if roll < 0.6:
                held.append(home)
            elif roll < 0.9:
                held.append((home + rng.randint(-20, 20)) % archives)
            else:
                held.append(rng.randrange(archives))
        yield person, held


def party(person, rng: random.Random) -> tuple:  # type: ignore[no-untyped-def]
    """The parties-index columns of one record of `person`, as a catalogue has it."""
    with_id = rng.random() < 0.35
    birth = None
    if rng.random() < 0.7:
        year, month, day = person.birth
        birth = (f"{year:04d}-01-01", f"{year:04d}-12-31") if rng.random() < 0.5 else \
            (f"{year:04d}-{month:02d}-{day:02d}",) * 2
    return (pinyin_key(normalize_name(person.name)), person.id18[:17] if with_id else None,
            True if with_id else None, *(birth or (None, None)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    rng = random.Random(args.seed)
    keys_of: list[list[str]] = [[] for _ in range(args.archives)]
    holders: dict[str, set[int]] = {}
    sample: list = []
    started = time.perf_counter()
    for index, (person, held) in enumerate(lives(args.people, args.archives, rng,
                                                 args.names)):
        for archive in held:
            keys_of[archive].extend(party_keys(*party(person, rng)))
        if len(sample) < args.subjects * 5 and index % max(1, args.people //
                                                              (args.subjects * 5)) == 0:
            sample.append(person)
            holders[person.pid] = set(held)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    blooms, sizes = [], []
    for keys in keys_of:
        bloom = new_filter(len(keys))
        bloom.update(KEY.hashed(keys))
        blooms.append(bloom)
        sizes.append(len(bloom.save_bytes()))
    built = time.perf_counter() - started
    parties = sum(len(keys) for keys in keys_of)
    del keys_of
    return blooms, sizes, sample, holders, generated, built, parties


def route(args: argparse.Namespace, blooms, sample, holders, rng: random.Random):  # type: ignore[no-untyped-def]
    """Route `args.subjects` subjects; per kind of subject the archives asked, the archives
    that would be asked without the keys of parties whose birth date is unknown (`*`), the
    false negatives and the routing times."""
    from federation.fanout.sliced import SlicedFilters

    asked: dict[str, list[int]] = {"id number and name": [], "name and birth date": []}
    dated: dict[str, list[int]] = {kind: [] for kind in asked}
    missed, lookup_s = 0, []
    sliced = SlicedFilters()  # as a hub holds them
    for index, bloom in enumerate(blooms):
        sliced.put(str(index), (bloom,))
    for person in rng.sample(sample, args.subjects):
        by_id = rng.random() < 0.5
        kind = "id number and name" if by_id else "name and birth date"
        subject = ({"id_number": person.id18, "name": person.name} if by_id else
                   {"name": person.name, "birth_date": person.birth_iso})
        started = time.perf_counter()
        keys = subject_keys(read_subject(subject))
        hashed = KEY.hashed(keys)
        routed = {int(code) for code in sliced.holders(hashed)}
        lookup_s.append(time.perf_counter() - started)
        assert routed == {index for index, bloom in enumerate(blooms)  # rbloom's own answer
                          if any(key in bloom for key in hashed)}
        missed += len(holders[person.pid] - routed)
        asked[kind].append(len(routed))
        hashed = KEY.hashed([key for key in keys if not key.endswith("|*")])
        dated[kind].append(sum(1 for index in routed if any(key in blooms[index]
                                                            for key in hashed)))
    return asked, dated, missed, lookup_s


def rebuild_after_import(rows: int) -> tuple[float, int, int]:
    """Import `rows` marriage records into a fresh SQLite node; time its locator build."""
    from nodes.services.importer import import_file
    from nodes.services.locator import build_locator
    from nodes.storage import make_engine, upgrade_schema
    from tests.live import write_csv
    from tests.nodes.people import marriage_row

    rng = random.Random(3)
    factory = PeopleFactory(rng)
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{directory}/node.sqlite")
        upgrade_schema(engine)
        records = []
        for index in range(rows):
            husband, wife = factory.make(gender="M"), factory.make(gender="F")
            records.append(marriage_row(
                f"M-{index}", husband_name=husband.name, wife_name=wife.name,
                husband_birth_date=husband.birth_iso, wife_birth_date=wife.birth_iso,
                husband_id_number=husband.id18 if index % 3 == 0 else "",
                wife_id_number=wife.id18 if index % 3 == 0 else ""))
        path = write_csv(Path(directory) / "m.csv", "marriage", records)
        import_file(engine, "marriage", path)
        built = build_locator(engine, KEY)
        engine.dispose()
    return built.seconds, built.keys, built.bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--archives", type=int, default=3_300)
    parser.add_argument("--subjects", type=int, default=1_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--names", choices=("national", "regional"), default="national",
                        help="name frequencies: the country's (default) or the regional "
                             "generator's")
    args = parser.parse_args()

    blooms, sizes, sample, holders, generated, built, keys = build(args)
    asked, dated, missed, lookup_s = route(args, blooms, sample, holders,
                                           random.Random(args.seed))
    print(f"{args.people:,} people over {args.archives:,} archives: {keys:,} locator keys "
          f"(generated in {generated:.0f} s, {args.archives:,} locators built in {built:.1f} s)")
    for kind, counts in asked.items():
        print(f"  asked per query, subject by {kind}: p50 {percentile(counts, 0.5):.0f}, "
              f"p95 {percentile(counts, 0.95):.0f}, max {max(counts)} of {args.archives:,} "
              f"({len(counts)} subjects)")
    every = [n for counts in asked.values() for n in counts]
    print(f"  asked per query, all: p50 {percentile(every, 0.5):.0f}, "
          f"p95 {percentile(every, 0.95):.0f} (target p95 <= 20)")
    without = [n for counts in dated.values() for n in counts]
    print(f"  of them, asked on a key other than a namesake's unknown birth date (`*`): "
          f"p50 {percentile(without, 0.5):.0f}, p95 {percentile(without, 0.95):.0f}")
    print(f"  false negatives: {missed} (archives holding a subject's record not asked; "
          "must be 0)")
    print(f"  routing one query over {args.archives:,} locators: p50 "
          f"{statistics.median(lookup_s) * 1000:.1f} ms, p95 "
          f"{percentile(lookup_s, 0.95) * 1000:.1f} ms")
    print(f"  locator size per archive: p50 {statistics.median(sizes) / 1024:.1f} KiB, "
          f"max {max(sizes) / 1024:.1f} KiB; all archives {sum(sizes) / 2**20:.1f} MiB")
    if args.import_rows:
        seconds, node_keys, size = rebuild_after_import(args.import_rows)
        print(f"  rebuilding one node's locator after a {args.import_rows:,}-row import: "
              f"{seconds:.1f} s ({node_keys:,} keys, {size / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
