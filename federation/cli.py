"""`liancha hub serve` and `liancha token`: run the hub; mint citizens' identity tokens for
development (clerks log in with accounts: `liancha clerk add`)."""

import click


@click.group("hub")
def hub_group() -> None:
    """Run the federation hub."""


@hub_group.command("serve")
@click.option("--nodes", envvar="LIANCHA_NODES", required=True,
              type=click.Path(exists=True, dir_okay=False), help="The nodes file (YAML).")
@click.option("--signing-key", envvar="LIANCHA_SIGNING_KEY", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="The hub's private.pem: signs its calls to the nodes.")
@click.option("--identity-public-key", envvar="LIANCHA_IDENTITY_PUBLIC_KEY", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="The identity issuer's public.pem: verifies callers' tokens.")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True)
@click.option("--certificate-keys", envvar="LIANCHA_CERTIFICATE_KEYS", required=True,
              type=click.Path(file_okay=False),
              help="The certificate signing keyring's directory (made on first use).")
@click.option("--public-url", envvar="LIANCHA_PUBLIC_URL", default=None,
              help="Where people reach this hub (the QR codes' URLs); default host:port.")
@click.option("--holiday-calendar", envvar="LIANCHA_HOLIDAY_CALENDAR", default=None,
              type=click.Path(exists=True, dir_okay=False),
              help="The archive's own holidays and workdays (YAML) over the national ones.")
@click.option("--locator-key", envvar="LIANCHA_LOCATOR_KEY", default=None,
              type=click.Path(exists=True, dir_okay=False),
              help="The federation's record locator key: ask only archives that may hold "
                   "the subject.")
@click.option("--upper-hub-public-key", envvar="LIANCHA_UPPER_HUB_PUBLIC_KEY", default=None,
              type=click.Path(exists=True, dir_okay=False),
              help="An upper hub's public.pem: serve it the node API v1 (/v1/search) for "
                   "this hub's archives.")
@click.option("--hub-code", envvar="LIANCHA_HUB_CODE", default=None,
              help="With --upper-hub-public-key: the six-digit code this hub answers under.")
@click.option("--hub-name", envvar="LIANCHA_HUB_NAME", default=None,
              help="With --upper-hub-public-key: the name this hub answers under.")
@click.option("--host", envvar="LIANCHA_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="LIANCHA_PORT", default=8000, type=int, show_default=True)
@click.option("--threads", envvar="LIANCHA_THREADS", default=16, type=int, show_default=True)
def serve(nodes: str, signing_key: str, identity_public_key: str, database_url: str,
          certificate_keys: str, public_url: str | None, holiday_calendar: str | None,
          locator_key: str | None, upper_hub_public_key: str | None, hub_code: str | None,
          hub_name: str | None, host: str, port: int, threads: int) -> None:
    """Serve the hub API (creates or upgrades the database schema first)."""
    import logging

    from federation.app import create_app
    from federation.config import ConfigurationError
    from runtime import serving

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        app = create_app({"NODES": nodes, "SIGNING_KEY": signing_key,
                          "IDENTITY_PUBLIC_KEY": identity_public_key,
                          "DATABASE_URL": database_url, "CERTIFICATE_KEYS": certificate_keys,
                          "PUBLIC_URL": public_url or f"http://{host}:{port}",
                          "HOLIDAY_CALENDAR": holiday_calendar, "LOCATOR_KEY": locator_key,
                          "UPPER_HUB_PUBLIC_KEY": upper_hub_public_key,
                          "HUB_CODE": hub_code, "HUB_NAME": hub_name})
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"hub on http://{host}:{port} (API docs: http://{host}:{port}/docs)")
    upper = app.extensions["liancha.hub"].upper
    if upper is not None:
        click.echo(f"answering an upper hub as {upper.code} {upper.name} "
                   f"(node API: http://{host}:{port}/v1/search)")
    guards = app.extensions["liancha.hub"].guards
    serving.tune_collector_for_serving()
    # beyond the largest body any address takes, waitress answers 413 itself, unread
    serving.serve(app, host=host, port=port, threads=threads, ident="liancha-hub",
                  max_body_bytes=max(guards.max_body_bytes, guards.max_upload_bytes) + 1024)


@click.command("token")
@click.option("--key", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The identity provider's private.pem.")
@click.option("--id-number", required=True, help="The citizen's verified id number.")
@click.option("--name", required=True, help="The citizen's verified name.")
@click.option("--lifetime", default=12 * 3600, type=int, show_default=True, help="Seconds.")
def token_command(key: str, id_number: str, name: str, lifetime: int) -> None:
    """Print a citizen's identity token, as the app's identity provider would issue it."""
    from pathlib import Path

    from federation.identity import mint_identity_token
    from schemas.signing import load_private_key

    click.echo(mint_identity_token(load_private_key(Path(key)), "citizen", id_number=id_number,
                                   name=name, lifetime_s=lifetime))


@click.group("audit")
def audit_group() -> None:
    """The hub's audit record."""


@audit_group.command("verify")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help="The hub's database.")
def audit_verify(database_url: str) -> None:
    """Check the hash chain; report the first altered, inserted or deleted entry."""
    from sqlalchemy.orm import Session

    from federation.audit import verify_chain
    from runtime.database import make_engine

    engine = make_engine(database_url)
    with Session(engine) as session:
        check = verify_chain(session)
    engine.dispose()
    if not check.ok:
        raise click.ClickException(f"audit record broken at entry {check.entry_id}: "
                                   f"{check.problem} ({check.entries} entries read)")
    click.echo(f"audit record intact: {check.entries} entries, each chained to the one before")

