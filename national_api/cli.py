"""`liancha platform`: register national platform clients, list and deactivate them, and
sign a client assertion as a client would (for trying the API and for integrators)."""

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

DATABASE_URL = click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
                            help="The hub's database.")


@click.group("platform")
def platform_group() -> None:
    """National platform clients."""


@platform_group.command("register")
@DATABASE_URL
@click.option("--client-id", required=True, help="The client's id (its assertions' iss).")
@click.option("--name", required=True, help="Who the client is.")
@click.option("--public-key", required=True, type=click.Path(exists=True, dir_okay=False,
                                                             path_type=Path),
              help="The client's Ed25519 public.pem: verifies its client assertions.")
@click.option("--callback-url", help="Where status changes are pushed by default (https, a "
                                     "public address).")
@click.option("--callbacks-allow-private", envvar="LIANCHA_CALLBACKS_ALLOW_PRIVATE",
              is_flag=True, help="Development: allow an http or private callback URL.")
def register(database_url: str, client_id: str, name: str, public_key: Path,
             callback_url: str | None, callbacks_allow_private: bool) -> None:
    """Register a platform client (creates or upgrades the hub's schema first)."""
    from accounts.platform import register_client
    from runtime.errors import InvalidInput

    with _session(database_url, upgrade=True) as session:
        try:
            register_client(session, client_id, name, public_key.read_text("utf-8"),
                            callback_url, allow_private=callbacks_allow_private)
        except InvalidInput as exc:
            problems = "; ".join(f"{field}: {' '.join(messages)}"
                                 for field, messages in exc.errors.items())
            raise click.ClickException(problems) from exc
    click.echo(f"registered platform client {client_id}")


@platform_group.command("list")
@DATABASE_URL
def list_command(database_url: str) -> None:
    """The registered clients: id, state, callback URL, name."""
    from accounts.platform import list_clients

    with _session(database_url) as session:
        for client in list_clients(session):
            state = "active" if client.active else "inactive"
            click.echo(f"{client.client_id}\t{state}\t{client.callback_url or '-'}\t"
                       f"{client.name}")


@platform_group.command("deactivate")
@DATABASE_URL
@click.option("--client-id", required=True)
def deactivate(database_url: str, client_id: str) -> None:
    """Stop a client: no new tokens, and the ones it holds stop working."""
    from accounts.platform import ClientNotFound, deactivate_client

    with _session(database_url) as session:
        try:
            deactivate_client(session, client_id)
        except ClientNotFound as exc:
            raise click.ClickException(exc.detail) from exc
    click.echo(f"deactivated platform client {client_id}")


@platform_group.command("assertion")
@click.option("--client-id", required=True)
@click.option("--key", required=True, type=click.Path(exists=True, dir_okay=False,
                                                      path_type=Path),
              help="The client's Ed25519 private.pem.")
@click.option("--audience", required=True,
              help="The hub's token endpoint, e.g. https://hub.example/national/api/v1/token.")
@click.option("--lifetime", default=60, show_default=True, type=click.IntRange(1, 300),
              help="Seconds (at most 300).")
def assertion(client_id: str, key: Path, audience: str, lifetime: int) -> None:
    """Print a fresh client assertion (single use), and nothing else."""
    from accounts.platform import mint_client_assertion
    from schemas.signing import load_private_key

    try:
        private_key = load_private_key(key)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(mint_client_assertion(private_key, client_id, audience, lifetime))


def _session(database_url: str, upgrade: bool = False):  # type: ignore[no-untyped-def]
    from federation.storage import hub_session

    return hub_session(database_url, upgrade)


@platform_group.command("sink")
@click.option("--keys-url", required=True,
              help="The hub's callback keys, e.g. http://127.0.0.1:8100/national/api/v1/keys.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8191, type=int, show_default=True)
def sink(keys_url: str, host: str, port: int) -> None:
    """A stand-in for the platform's callback endpoint: verify, print, acknowledge."""
    from waitress import serve

    from national_api.sink import create_sink_app

    click.echo(f"platform callback sink on http://{host}:{port}/callbacks", err=True)
    serve(create_sink_app(keys_url), host=host, port=port, threads=4, ident="liancha-sink")
