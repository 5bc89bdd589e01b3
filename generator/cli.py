"""`liancha generate`: write synthetic catalogues for the ten archives of the region."""

from __future__ import annotations

from pathlib import Path

import click


@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the catalogues, mappings and ground truth into.")
@click.option("--people", default=200, show_default=True, type=click.IntRange(min=1),
              help="Number of synthetic people (≈2.5 records each).")
@click.option("--seed", default=7, show_default=True, type=int,
              help="Random seed: the same seed writes the same files.")
@click.option("--layout", default="legacy", show_default=True,
              type=click.Choice(["legacy", "standard"]),
              help="legacy: each archive's own layout; standard: the standard CSV everywhere.")
@click.option("--namesakes", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Share of households whose head shares the name, birth date and gender "
                   "of someone generated earlier (another id number, another life).")
def _generate(out: Path, people: int, seed: int, layout: str, namesakes: float) -> None:
    """Write realistic synthetic archive catalogues (with blemishes) and their ground truth."""
    import time

    from generator.catalogues import generate

    started = time.perf_counter()
    manifest = generate(out, people=people, seed=seed, layout=layout, namesakes=namesakes)
    elapsed = time.perf_counter() - started
    total = 0
    for archive in manifest["archives"]:
        counts = ", ".join(f"{c['record_type']} {c['rows']}" for c in archive["catalogues"])
        rows = sum(c["rows"] for c in archive["catalogues"])
        total += rows
        click.echo(f"{archive['code']} {archive['name']}: {rows} records ({counts})")
    rate = total / elapsed if elapsed > 0 else float("inf")
    click.echo(f"total: {people} people, {total} records in {elapsed:.1f} s "
               f"({rate:,.0f} records/s), layout {layout}, seed {seed} -> {out}")


generate_command = click.command("generate")(_generate)
