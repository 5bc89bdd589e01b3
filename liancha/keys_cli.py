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


@keys_group.command("rotate")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def rotate(directory: Path) -> None:
    """Rotate the certificate keyring in DIRECTORY: a new key signs from now on; the old
    one is retired (it no longer signs, and what it signed still verifies)."""
    from certificates.tokens import Keyring, KeyringError

    try:
        keyring = Keyring.load(directory)
        old = keyring.active_kid
        new = keyring.rotate()
    except (KeyringError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"new signing key {new}; {old} retired (its certificates still verify)")
