"""`liancha schema`: the standard's schemas as files."""

from pathlib import Path

import click


@click.group("schema")
def schema_group() -> None:
    """The record standard's machine-readable form."""


@schema_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write every schema of the standard as a JSON Schema file into DIRECTORY."""
    from schemas.export import export

    for path in export(directory):
        click.echo(str(path))
