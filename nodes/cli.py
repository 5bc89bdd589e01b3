"""`liancha node`: serve an archive node, import a catalogue into it."""

import sys
from pathlib import Path

import click

RECORD_TYPES = ("marriage", "forestry_right", "sent_down_youth", "employment")
EXIT_SOME_REJECTED = 3


@click.group("node")
def node_group() -> None:
    """Run an archive node."""


@node_group.command("serve")
@click.option("--archive-code", envvar="LIANCHA_ARCHIVE_CODE", required=True,
              help="GB/T 2260 region code of the archive, e.g. 510500.")
@click.option("--archive-name", envvar="LIANCHA_ARCHIVE_NAME", required=True)
@click.option("--region-code", envvar="LIANCHA_REGION_CODE", default=None)
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help="sqlite:///file.sqlite or postgresql+psycopg://user@host/db")
@click.option("--hub-public-key", envvar="LIANCHA_HUB_PUBLIC_KEY", required=True,
              type=click.Path(exists=True, dir_okay=False), help="The hub's public.pem.")
@click.option("--signing-key", envvar="LIANCHA_SIGNING_KEY", required=True,
              type=click.Path(exists=True, dir_okay=False), help="This node's private.pem.")
@click.option("--host", envvar="LIANCHA_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="LIANCHA_PORT", default=8100, type=int, show_default=True)
@click.option("--threads", envvar="LIANCHA_THREADS", default=8, type=int, show_default=True)
def serve(archive_code: str, archive_name: str, region_code: str | None, database_url: str,
          hub_public_key: str, signing_key: str, host: str, port: int, threads: int) -> None:
    """Serve the node API (creates or upgrades the database schema first)."""
    import logging

    from nodes.app import create_app
    from nodes.config import ConfigurationError
    from runtime import serving

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        app = create_app({
            "ARCHIVE_CODE": archive_code, "ARCHIVE_NAME": archive_name,
            "REGION_CODE": region_code, "DATABASE_URL": database_url,
            "HUB_PUBLIC_KEY": hub_public_key, "SIGNING_KEY": signing_key,
        })
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"node {archive_code} {archive_name} on http://{host}:{port} "
               f"(API docs: http://{host}:{port}/docs)")
    serving.serve(app, host=host, port=port, threads=threads, ident="liancha-node",
                  max_body_bytes=app.extensions["liancha.node"].max_body_bytes)


@node_group.command("import")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True)
@click.option("--type", "record_type", type=click.Choice(RECORD_TYPES), required=True)
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML mapping for a legacy layout (docs/import-mapping.md).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every rejected, skipped or missing row and every warning to "
                   "this CSV file (UTF-8 with BOM, for Excel).")
@click.option("--dry-run", is_flag=True,
              help="Read, map and check everything and say what would happen; write nothing.")
@click.option("--source", help="The catalogue's name, to recognise a later corrected version "
                               "of it [default: the file's name].")
@click.option("--withdraw-missing", is_flag=True,
              help="Withdraw (stop serving) the records an earlier import of this catalogue "
                   "stored that it no longer holds.")
@click.option("--locator-key", envvar="LIANCHA_LOCATOR_KEY",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The federation's locator key file: rebuild the node's record locator "
                   "after the import (without it the node publishes none).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(database_url: str, record_type: str, mapping: Path | None,
                   report: Path | None, dry_run: bool, source: str | None,
                   withdraw_missing: bool, locator_key: Path | None, file: Path) -> None:
    """Import FILE (the standard CSV, or a legacy CSV/XLSX with --mapping).

    Exit status: 0 when every row landed or was skipped by a rule, 3 when some rows were
    rejected (the others landed; each is reported by line), 1 when nothing could be read.
    """
    from tqdm import tqdm

    from nodes.importing.mapping import STANDARD, MappingError
    from nodes.importing.mapping_file import load_mapping
    from nodes.services.import_report import problem_lines, summary, write_report
    from nodes.services.importer import import_file
    from nodes.storage import make_engine, upgrade_schema

    if dry_run and withdraw_missing:
        raise click.UsageError("--dry-run writes nothing: it already lists what is missing")
    key = _locator_key(locator_key)
    engine = make_engine(database_url)
    try:
        layout = load_mapping(mapping, record_type) if mapping else STANDARD
        if not dry_run:
            upgrade_schema(engine)
        with tqdm(unit=" rows", disable=not sys.stderr.isatty(), desc=file.name) as bar:
            result = import_file(engine, record_type, file, layout, bar.update, source=source,
                                 dry_run=dry_run, withdraw_missing=withdraw_missing,
                                 locator_key=key)
    except (MappingError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(summary(result, file))
    for line in problem_lines(result):
        click.echo(line, err=True)
    if report:
        write_report(result, report)
        click.echo(f"report: {report}")
    if result.rejected:
        sys.exit(EXIT_SOME_REJECTED)


def _locator_key(path: Path | None):  # type: ignore[no-untyped-def]
    from schemas.locator import LocatorKeyError, load_locator_key

    try:
        return load_locator_key(path) if path else None
    except LocatorKeyError as exc:
        raise click.ClickException(str(exc)) from exc


@node_group.group("locator")
def locator_group() -> None:
    """The record locator the node publishes to hubs (docs/hub.md)."""


@locator_group.command("build")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True)
@click.option("--locator-key", envvar="LIANCHA_LOCATOR_KEY", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
def locator_build(database_url: str, locator_key: Path) -> None:
    """Build and publish the locator of the records held (an import does it by itself)."""
    from nodes.services.locator import build_locator
    from nodes.storage import make_engine, upgrade_schema

    key = _locator_key(locator_key)
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        built = build_locator(engine, key)
    finally:
        engine.dispose()
    click.echo(f"locator built: {built.parties} parties, {built.keys} keys, "
               f"{built.bytes // 1024} KiB in {built.seconds:.1f} s")


@locator_group.command("new-key")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def locator_new_key(file: Path) -> None:
    """Write a new federation locator key to FILE (share it with every node and hub)."""
    import secrets

    if file.exists():
        raise click.ClickException(f"{file} exists: a key is not overwritten")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(secrets.token_hex(32) + "\n", "ascii")
    file.chmod(0o600)
    click.echo(f"locator key written to {file}")


@node_group.group("mapping")
def mapping_group() -> None:
    """Check a mapping file before importing with it."""


@mapping_group.command("check")
@click.option("--type", "record_type", type=click.Choice(RECORD_TYPES),
              help="The record type [default: the mapping's record_type].")
@click.option("--rows", default=5, show_default=True, help="How many rows of FILE to show.")
@click.argument("mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def mapping_check(record_type: str | None, rows: int, mapping: Path,
                  file: Path | None) -> None:
    """Check MAPPING's keys and columns; with FILE also its sheet and header row, and show
    FILE's first rows as the import would store them. Writes nothing."""
    from nodes.importing.mapping import MappingError
    from nodes.services.mapping_check import check, mapping_record_type

    try:
        for line in check(mapping, mapping_record_type(mapping, record_type), file, rows):
            click.echo(line)
    except (MappingError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


@node_group.command("token")
@click.option("--hub-key", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The hub's private.pem.")
@click.option("--archive", "archive_code", required=True, help="The node's archive code (aud).")
@click.option("--purpose", default="developer test", show_default=True)
@click.option("--lifetime", default=300, type=int, show_default=True, help="Seconds.")
def token_command(hub_key: str, archive_code: str, purpose: str, lifetime: int) -> None:
    """Print a single-use token for one call to a node, signed as the hub signs it."""
    from schemas.signing import load_private_key, mint_hub_token

    click.echo(mint_hub_token(load_private_key(Path(hub_key)), archive_code, purpose, lifetime))
