"""`liancha keys`: Ed25519 key pairs for hubs and nodes."""

from pathlib import Path

import click


@click.group("keys")
def keys_group() -> None:
    """Manage signing keys."""


@keys_group.command("generate")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing key pair.")
def generate(directory: Path, force: bool) -> None:
    """Write an Ed25519 private.pem and public.pem into DIRECTORY."""
    from schemas.signing import generate_key_pair

    if (directory / "private.pem").exists() and not force:
        raise click.ClickException(f"{directory}/private.pem exists; use --force to replace it")
    private_path, public_path = generate_key_pair(directory)
    click.echo(f"wrote {private_path} and {public_path}")
