"""`liancha demo`: generated catalogues served by one node per archive, on this machine.

Data, keys and databases live under one directory (default `.demo/`) and are reused on
the next run. The processes talk real HTTP on loopback; Ctrl-C stops them all.
"""

import csv
import json
import shlex
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import click
import requests
import yaml

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


def _liancha_for_people() -> str:
    """How a person types the command: the installed script if there is one."""
    script = Path(sys.executable).parent / "liancha"
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m liancha"


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


def sample_subjects(data: Path) -> list[tuple[str, str, dict]]:
    """Two searches worth pasting: a 15-digit id number and a traditional-form name."""
    from schemas.id_numbers import to_15

    kinds: dict[str, set[str]] = {}
    with open(data / "blemishes.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kinds.setdefault(row["kind"], set()).add(row["record_id"])
    people = {}
    with open(data / "people.csv", encoding="utf-8") as handle:
        people = {row["person_id"]: row for row in csv.DictReader(handle)}
    samples: list[tuple[str, str, dict]] = []
    with open(data / "ground_truth.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            person = people[row["person_id"]]
            if not samples and row["record_id"] in kinds.get("id_15", set()):
                samples.append(("by a 15-digit id number", row["record_id"],
                                {"id_number": to_15(person["id_number"])}))
            elif len(samples) == 1 and row["record_id"] in kinds.get("traditional", set()) \
                    and row["record_id"].split("/")[1] != "forestry_right":
                samples.append(("by a traditional-form name", row["record_id"],
                                {"name": row["role"], "birth_date": person["birth_date"]}))
                break
    return samples


@click.command("demo")
@click.option("--dir", "root", default=".demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--people", default=2000, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.option("--base-port", default=8101, show_default=True)
def demo_command(root: Path, people: int, seed: int, base_port: int) -> None:
    """Generate catalogues and serve every archive's node until Ctrl-C."""
    root = root.resolve()
    manifest = prepare_data(root, people, seed)
    hub_keys = prepare_keys(root / "keys" / "hub")
    nodes = []
    for index, archive in enumerate(manifest["archives"]):
        node = DemoNode(archive["code"], archive["name"], base_port + index,
                        root / "nodes" / f"{archive['code']}.sqlite",
                        prepare_keys(root / "keys" / archive["code"]))
        node.database.parent.mkdir(parents=True, exist_ok=True)
        import_catalogues(root, archive, node)
        nodes.append(node)

    supervisor = Supervisor(root / "logs")
    stop_on_signals()
    try:
        for node in nodes:
            supervisor.start(f"node-{node.code}", _liancha(
                "node", "serve", "--archive-code", node.code, "--archive-name", node.name,
                "--database-url", f"sqlite:///{node.database}", "--port", str(node.port),
                "--hub-public-key", str(hub_keys / "public.pem"),
                "--signing-key", str(node.keys / "private.pem"),
            ))
        for node in nodes:
            supervisor.wait_ready(f"node-{node.code}", f"{node.url}/readyz")
        _print_guide(root, nodes, hub_keys)
        supervisor.watch()
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("\nstopping ...")
        supervisor.stop()
        click.echo("stopped; nothing is left running.")


def _print_guide(root: Path, nodes: list[DemoNode], hub_keys: Path) -> None:
    from schemas.signing import load_private_key, mint_hub_token

    click.echo("\nLiancha demo: one node per archive (logs in " f"{root / 'logs'})")
    for node in nodes:
        click.echo(f"  {node.code} {node.name:<12} {node.url}/docs")
    hub_key = load_private_key(hub_keys / "private.pem")
    token_cmd = (f"{_liancha_for_people()} node token --hub-key "
                 f"{shlex.quote(str(hub_keys / 'private.pem'))} --archive")
    click.echo("\nEvery call but service-info needs a single-use hub token (5 minutes):\n"
               f"  {token_cmd} CODE\nPaste one into Swagger UI's Authorize, or try:")
    by_code = {node.code: node for node in nodes}
    for title, record_id, subject in sample_subjects(root / "data"):
        node = by_code[record_id.split("/")[0]]
        if "name" in subject:  # the name exactly as that archive wrote it
            token = mint_hub_token(hub_key, node.code, "demo")
            record = requests.get(f"{node.url}/v1/records/{record_id}", timeout=5,
                                  headers={"Authorization": f"Bearer {token}"}).json()
            role = subject["name"]
            subject["name"] = next(p["name_raw"] for p in record["parties"] if p["role"] == role)
        body = json.dumps({"subject": subject, "purpose": "demo",
                           "request_id": f"demo-{uuid.uuid4().hex[:8]}"}, ensure_ascii=False)
        click.echo(f"\n# {node.name}: search {title} (expect {record_id})\n"
                   f"curl -s {node.url}/v1/search -H 'Content-Type: application/json' "
                   f"-H \"Authorization: Bearer $({token_cmd} {node.code})\" "
                   f"-d '{body}'")
    click.echo("\nCtrl-C stops every node.")
