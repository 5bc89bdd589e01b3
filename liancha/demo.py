"""`liancha demo`: the federation on this machine, on generated catalogues.

One node per archive and the hub, as separate processes talking real HTTP on loopback.
Data, keys and databases live under one directory (default `.demo/`) and are reused on
the next run. Ctrl-C stops them all.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from liancha.processes import Supervisor


@dataclass(frozen=True)
class DemoNode:
    code: str
    name: str
    port: int
    database: Path
    keys: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _liancha(*args: str) -> list[str]:
    return [sys.executable, "-m", "liancha", *args]


def prepare_data(root: Path, people: int, seed: int) -> dict:
    from generator.catalogues import generate

    manifest_path = root / "data" / "manifest.yaml"
    if manifest_path.exists():
        manifest = yaml.safe_load(manifest_path.read_text("utf-8"))
        if (manifest.get("people"), manifest.get("seed")) == (people, seed):
            click.echo(f"reusing generated catalogues in {root / 'data'}")
            return manifest
    click.echo(f"generating catalogues for {people} people (seed {seed}) ...")
    return generate(root / "data", people, seed)


def prepare_keys(directory: Path) -> Path:
    from schemas.signing import generate_key_pair

    if not (directory / "private.pem").exists():
        generate_key_pair(directory)
    return directory


def import_catalogues(root: Path, archive: dict, node: DemoNode,
                      locator_key: Path | None = None) -> None:
    """Each catalogue into the node's database (once); with `locator_key`, each import
    rebuilds the node's record locator."""
    from nodes.importing.mapping import STANDARD
    from nodes.importing.mapping_file import load_mapping
    from nodes.services.importer import import_file
    from nodes.storage import make_engine, upgrade_schema
    from schemas.locator import load_locator_key

    stamp = node.database.with_suffix(".imported")
    fingerprint = json.dumps(archive["catalogues"] if locator_key is None
                             else [archive["catalogues"], str(locator_key)], sort_keys=True)
    key = load_locator_key(locator_key) if locator_key else None
    if node.database.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return
    engine = make_engine(f"sqlite:///{node.database}")
    upgrade_schema(engine)
    data = root / "data"
    for catalogue in archive["catalogues"]:
        mapping = catalogue["mapping"]
        layout = load_mapping(data / mapping, catalogue["record_type"]) if mapping else STANDARD
        report = import_file(engine, catalogue["record_type"], data / catalogue["file"], layout,
                             locator_key=key)
        click.echo(f"  {node.code} {catalogue['record_type']}: {report.inserted} new, "
                   f"{report.updated} updated, {report.unchanged} unchanged, "
                   f"{len(report.rejected)} rejected")
        for line, reason in report.rejected:
            click.echo(f"    line {line}: {reason}", err=True)
    engine.dispose()
    stamp.write_text(fingerprint)


def write_nodes_file(root: Path, nodes: list[DemoNode]) -> Path:
    path = root / "nodes.yaml"
    entries = [{"code": node.code, "name": node.name, "url": node.url,
                "public_key": str(node.keys / "public.pem")} for node in nodes]
    path.write_text(yaml.safe_dump({"nodes": entries}, allow_unicode=True, sort_keys=False),
                    "utf-8")
    return path


@click.command("demo")
@click.option("--dir", "root", default=".demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--people", default=2000, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.option("--hub-port", default=8100, show_default=True)
@click.option("--base-port", default=8101, show_default=True, help="The first node's port.")
@click.option("--hub-host", default="127.0.0.1", show_default=True,
              help="Where the hub listens; 0.0.0.0 to let a phone on this network scan.")
@click.option("--public-url", default=None,
              help="The hub's address as a phone sees it (the QR codes' URLs), e.g. "
                   "http://192.168.1.20:8100; default http://127.0.0.1:HUB_PORT.")
@click.option("--reader-port", default=8190, show_default=True,
              help="The kiosk's simulated ID-card reader.")
@click.option("--sink-port", default=8191, show_default=True,
              help="The stand-in for the national platform's callback endpoint.")
def demo_command(root: Path, people: int, seed: int, hub_port: int, base_port: int,
                 hub_host: str, public_url: str | None, reader_port: int,
                 sink_port: int) -> None:
    """Generate catalogues; serve every archive's node, the hub, a kiosk's simulated card
    reader and a stand-in platform until Ctrl-C."""
    from liancha.demo_setup import prepare_callers

    root = root.resolve()
    manifest = prepare_data(root, people, seed)
    keys = {who: prepare_keys(root / "keys" / who) for who in ("hub", "identity")}
    nodes = []
    for index, archive in enumerate(manifest["archives"]):
        node = DemoNode(archive["code"], archive["name"], base_port + index,
                        root / "nodes" / f"{archive['code']}.sqlite",
                        prepare_keys(root / "keys" / archive["code"]))
        node.database.parent.mkdir(parents=True, exist_ok=True)
        import_catalogues(root, archive, node)
        nodes.append(node)
    nodes_file = write_nodes_file(root, nodes)
    hub_url = f"http://127.0.0.1:{hub_port}"
    hub_database = f"sqlite:///{root / 'hub.sqlite'}"
    sink_url = f"http://127.0.0.1:{sink_port}"
    callers = prepare_callers(root, hub_database, manifest["archives"], sink_url)

    supervisor = Supervisor(root / "logs")

    def start() -> None:
        for node in nodes:
            supervisor.start(f"node-{node.code}", _liancha(
                "node", "serve", "--archive-code", node.code, "--archive-name", node.name,
                "--database-url", f"sqlite:///{node.database}", "--port", str(node.port),
                "--hub-public-key", str(keys["hub"] / "public.pem"),
                "--signing-key", str(node.keys / "private.pem"),
            ))
        supervisor.start("hub", _liancha(
            "hub", "serve", "--nodes", str(nodes_file), "--port", str(hub_port),
            "--signing-key", str(keys["hub"] / "private.pem"),
            "--identity-public-key", str(keys["identity"] / "public.pem"),
            "--database-url", hub_database,
            "--certificate-keys", str(root / "keys" / "certificates"),
            "--host", hub_host, "--public-url", public_url or f"http://127.0.0.1:{hub_port}",
        ), env={"LIANCHA_CALLBACKS_ALLOW_PRIVATE": "true"})  # the stand-in platform: loopback
        supervisor.start("platform-sink", _liancha(
            "platform", "sink", "--port", str(sink_port),
            "--keys-url", f"{hub_url}/national/api/v1/keys"))
        for node in nodes:
            supervisor.wait_ready(f"node-{node.code}", f"{node.url}/readyz")
        supervisor.wait_ready("hub", f"{hub_url}/readyz")
        supervisor.wait_ready("platform-sink", sink_url)
        guide(root, hub_url, nodes, keys["identity"], supervisor, callers, reader_port)

    supervisor.run(start, essential="hub")


def guide(root: Path, hub_url: str, nodes: list[DemoNode], identity_keys: Path,
          supervisor: Supervisor, callers, reader_port: int) -> None:  # type: ignore[no-untyped-def]
    """Choose the sample person, start the kiosk's reader with their card, print the way."""
    from functools import partial

    from federation.identity import mint_identity_token
    from liancha.demo_guide import (
        clerk_login,
        find_confirmation_sample,
        find_sample,
        print_addresses,
        print_clerk_steps,
    )
    from liancha.demo_setup import KIOSK_DEVICE
    from liancha.demo_walkthrough import (
        print_audit_steps,
        print_confirmation_steps,
        print_surface_steps,
    )
    from schemas.signing import load_private_key

    citizen_token = partial(mint_identity_token, load_private_key(identity_keys / "private.pem"),
                            "citizen")
    token = clerk_login(hub_url, callers.administrator)
    sample = find_sample(root / "data", hub_url, token, citizen_token, callers.receiving_archive)
    reader_url = f"http://127.0.0.1:{reader_port}"
    if sample is None:
        click.echo("\n(no generated person fits the walkthrough; try more --people)")
        return
    supervisor.start("kiosk-reader", _liancha(
        "kiosk", "reader", "--device-id", KIOSK_DEVICE, "--key", str(callers.kiosk_key),
        "--hub-url", hub_url, "--port", str(reader_port),
        "--card-id-number", sample.person["id_number"], "--card-name", sample.person["name"]))
    supervisor.wait_ready("kiosk-reader", reader_url)
    print_addresses(hub_url, nodes, supervisor, reader_url, root / "logs" / "platform-sink.log",
                    root / "logs")
    print_clerk_steps(hub_url, token, callers, sample)
    confirming = find_confirmation_sample(root / "data", hub_url, citizen_token,
                                          sample.person["id_number"])
    print_surface_steps(hub_url, callers, sample, citizen_token(**sample.person), reader_url,
                        confirmation=None if confirming is None else partial(
                            print_confirmation_steps, hub_url, callers, confirming,
                            citizen_token(**confirming.person)))
    print_audit_steps(root)
    held = {r["record_id"].split("/")[0] for p in sample.answer["persons"] if p["is_subject"]
            for r in p["records"]}
    stopped = next(n for n in nodes if n.code in held and n.code != callers.receiving_archive)
    click.echo(f"\n8. Stop one archive (kill {supervisor.pid('node-' + stopped.code)} stops "
               f"{stopped.name}) and ask again: its status says so, and complete is false.")
    click.echo("Ctrl-C stops everything.")
