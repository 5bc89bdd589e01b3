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

from liancha.demo_guide import print_guide
from liancha.processes import Supervisor, stop_on_signals


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


def import_catalogues(root: Path, archive: dict, node: DemoNode) -> None:
    from nodes.importing.mapping import STANDARD, load_mapping
    from nodes.services.importer import import_file
    from nodes.storage import make_engine, upgrade_schema

    stamp = node.database.with_suffix(".imported")
    fingerprint = json.dumps(archive["catalogues"], sort_keys=True)
    if node.database.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return
    engine = make_engine(f"sqlite:///{node.database}")
    upgrade_schema(engine)
    data = root / "data"
    for catalogue in archive["catalogues"]:
        mapping = catalogue["mapping"]
        layout = load_mapping(data / mapping, catalogue["record_type"]) if mapping else STANDARD
        report = import_file(engine, catalogue["record_type"], data / catalogue["file"], layout)
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
def demo_command(root: Path, people: int, seed: int, hub_port: int, base_port: int,
                 hub_host: str, public_url: str | None) -> None:
    """Generate catalogues; serve every archive's node and the hub until Ctrl-C."""
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

    supervisor = Supervisor(root / "logs")
    stop_on_signals()
    try:
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
            "--database-url", f"sqlite:///{root / 'hub.sqlite'}",
            "--certificate-keys", str(root / "keys" / "certificates"),
            "--host", hub_host, "--public-url", public_url or f"http://127.0.0.1:{hub_port}",
        ))
        for node in nodes:
            supervisor.wait_ready(f"node-{node.code}", f"{node.url}/readyz")
        supervisor.wait_ready("hub", f"http://127.0.0.1:{hub_port}/readyz")
        print_guide(root, f"http://127.0.0.1:{hub_port}", nodes, keys["identity"], supervisor)
        supervisor.watch(essential="hub")
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("\nstopping ...")
        supervisor.stop()
        click.echo("stopped; nothing is left running.")
