"""`liancha kiosk`: register kiosk devices with the hub, take them out of service, and run
the simulated ID-card reader of the demo."""

from pathlib import Path

import click


@click.group("kiosk")
def kiosk_group() -> None:
    """Kiosk devices."""


def _session(database_url: str):  # type: ignore[no-untyped-def]
    from federation.storage import hub_session

    return hub_session(database_url, upgrade=True)  # before the hub first starts, too


@kiosk_group.command("register")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help="The hub's database.")
@click.option("--device-id", required=True, help="The device's id, e.g. LZ-HALL-01.")
@click.option("--archive", required=True, help="The archive the kiosk serves (6 digits).")
@click.option("--location", required=True, help="Where it stands, e.g. 泸州市政务服务中心一楼.")
@click.option("--public-key", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The device's Ed25519 public.pem (it signs the card reads).")
@click.option("--nodes", envvar="LIANCHA_NODES", type=click.Path(exists=True, dir_okay=False),
              help="The hub's nodes file, to check that the archive is in the federation.")
@click.option("--replace", is_flag=True, help="Re-key and reactivate a registered device.")
def register(database_url: str, device_id: str, archive: str, location: str, public_key: str,
             nodes: str | None, replace: bool) -> None:
    """Register a kiosk device for an archive."""
    from accounts.kiosks import register_device
    from federation.registry import RegistryError, load_registry
    from runtime.errors import InvalidInput

    known: set[str] | None = None
    if nodes:
        try:
            known = {entry.code for entry in load_registry(Path(nodes))}
        except RegistryError as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        click.echo(f"warning: no nodes file given; archive {archive} is not checked against "
                   "the federation (pass --nodes to check it)", err=True)
    with _session(database_url) as session:
        try:
            register_device(session, device_id, archive, location,
                            Path(public_key).read_text("utf-8"), known, replace=replace,
                            actor="cli:kiosk-register")
        except InvalidInput as exc:
            raise click.ClickException("; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.errors.items())
            ) from exc
    click.echo(f"kiosk {device_id} registered for archive {archive} ({location})")


@kiosk_group.command("deactivate")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help="The hub's database.")
@click.option("--device-id", required=True)
def deactivate(database_url: str, device_id: str) -> None:
    """Take a device out of service: its card reads are refused, its sessions end."""
    from accounts.kiosks import deactivate_device
    from runtime.errors import InvalidInput

    with _session(database_url) as session:
        try:
            deactivate_device(session, device_id, actor="cli:kiosk-deactivate")
        except InvalidInput as exc:
            raise click.ClickException(f"no device {device_id} is registered") from exc
    click.echo(f"kiosk {device_id} deactivated")


@kiosk_group.command("reader")
@click.option("--device-id", required=True, help="The registered device this reader is in.")
@click.option("--key", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The device's Ed25519 private.pem.")
@click.option("--hub-url", required=True,
              help="The hub's URL: only its kiosk page may call the reader (CORS).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8190, type=int, show_default=True)
@click.option("--card-id-number", required=True, help="The simulated card's id number.")
@click.option("--card-name", required=True, help="The simulated card's name.")
def reader(device_id: str, key: str, hub_url: str, host: str, port: int,
           card_id_number: str, card_name: str) -> None:
    """Run the SIMULATED ID-card reader (demo only): POST /read signs the configured card."""
    from waitress import serve

    from kiosk_api.reader import Card, create_reader_app
    from schemas.signing import load_private_key

    app = create_reader_app(device_id, load_private_key(Path(key)), hub_url,
                            Card(card_id_number, card_name))
    click.echo(f"simulated ID-card reader of {device_id} on http://{host}:{port} "
               f"(card {card_name}); open {hub_url.rstrip('/')}/kiosk/?reader="
               f"http://{host}:{port}")
    serve(app, host=host, port=port, threads=2, ident="liancha-card-reader")
