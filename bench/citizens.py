"""Measure what citizens are shown over a generated federation: citizen-shown precision and
recall, and shown-or-offered recall, against the generator's ground truth (issue 12).

Every person asks about themselves through the ten nodes' search services (in process,
SQLite) and the hub weighs the answers; `--namesakes` is the share of households whose head
shares the name, birth date and gender of someone generated before.

    .venv/bin/python bench/citizens.py                                  # 2,000 people, 3 %
    .venv/bin/python bench/citizens.py --people 10000 --seed 21 --namesakes 0.05
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.federation.ownership.citizens_world import measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--namesakes", type=float, default=0.03)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        figures = measure(Path(out), args.people, args.seed, args.namesakes)
    print(f"seed {args.seed}, namesakes {args.namesakes:.0%} of households")
    print(figures.report())
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
