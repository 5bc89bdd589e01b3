"""`liancha node`: serve an archive node, import a catalogue into it."""

import csv
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
              help="Also write every rejected row and warning to this CSV file.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(database_url: str, record_type: str, mapping: Path | None,
                   report: Path | None, file: Path) -> None:
    """Import FILE (the standard CSV, or a legacy CSV/XLSX with --mapping).

    Exit status: 0 when every row landed, 3 when some rows were rejected (the others
    landed; each is reported by line), 1 when nothing could be read.
    """
    from tqdm import tqdm

    from nodes.importing.mapping import STANDARD, MappingError, load_mapping
    from nodes.services.importer import import_file
    from nodes.storage import make_engine, upgrade_schema

    engine = make_engine(database_url)
    upgrade_schema(engine)
    try:
        layout = load_mapping(mapping, record_type) if mapping else STANDARD
        with tqdm(unit=" rows", disable=not sys.stderr.isatty(), desc=file.name) as bar:
            result = import_file(engine, record_type, file, layout, bar.update)
    except (MappingError, UnicodeDecodeError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{file}: {result.rows} rows: {result.inserted} inserted, {result.updated} "
               f"updated, {result.unchanged} unchanged, {len(result.rejected)} rejected, "
               f"{len(result.warnings)} warnings")
    for line, reason in result.rejected:
        click.echo(f"  line {line}: rejected: {reason}", err=True)
    if report:
        with open(report, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "outcome", "reason"])
            writer.writerows((line, "rejected", reason) for line, reason in result.rejected)
            writer.writerows((line, "warning", reason) for line, reason in result.warnings)
    if result.rejected:
        sys.exit(EXIT_SOME_REJECTED)


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
