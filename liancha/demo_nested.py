"""`liancha demo-nested`: hubs nest, on this machine.

The region's ten archives (the same generated catalogues as `liancha demo`) split between two
regional hubs, Sichuan's (eight archives) and Chongqing's (two), each asking only the
archives whose record locator may hold the subject; an upper hub, standing where the
national platform's hub would, has the two regional hubs as its entries (`kind: hub`). A
query at the top for a person whose life crossed the provincial border assembles them from
archives under both regional hubs, and the archives that do not hold them are never called:
their logs show no search. Every process is real and talks HTTP on loopback; Ctrl-C stops
them all.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import click
import requests
import yaml

from liancha.demo import (
    DemoNode,
    _liancha,
    import_catalogues,
    prepare_data,
    prepare_keys,
)
from liancha.processes import Supervisor, say

PURPOSE = "办理退休工龄认定"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    prefix: str  # the archive codes under it start so
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def regions(base_port: int) -> list[Region]:
    return [Region("510000", "四川片区档案查询中心", "51", base_port + 1),
            Region("500000", "重庆片区档案查询中心", "50", base_port + 2)]


def write_nodes_file(path: Path, entries: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"nodes": entries}, allow_unicode=True, sort_keys=False),
                    "utf-8")
    return path


def ensure_locator_key(path: Path) -> Path:
    import secrets

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32) + "\n", "ascii")
        path.chmod(0o600)
    return path


@click.command("demo-nested")
@click.option("--dir", "root", default=".demo-nested", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--people", default=2000, show_default=True)
@click.option("--seed", default=7, show_default=True)
@click.option("--hub-port", default=8200, show_default=True,
              help="The upper hub's port; the regional hubs take the next two.")
@click.option("--base-port", default=8211, show_default=True, help="The first node's port.")
def demo_nested_command(root: Path, people: int, seed: int, hub_port: int,
                        base_port: int) -> None:
    """Serve the archives' nodes, two regional hubs and an upper hub over them; ask the
    upper hub about a person recorded in both provinces; keep serving until Ctrl-C."""
    root = root.resolve()
    manifest = prepare_data(root, people, seed)
    keys = {who: prepare_keys(root / "keys" / who)
            for who in ("upper", "identity", *(r.code for r in regions(hub_port)))}
    locator_key = ensure_locator_key(root / "keys" / "locator.key")
    nodes = []
    for index, archive in enumerate(manifest["archives"]):
        node = DemoNode(archive["code"], archive["name"], base_port + index,
                        root / "nodes" / f"{archive['code']}.sqlite",
                        prepare_keys(root / "keys" / archive["code"]))
        node.database.parent.mkdir(parents=True, exist_ok=True)
        import_catalogues(root, archive, node, locator_key)
        nodes.append(node)
    supervisor = Supervisor(root / "logs")

    def start() -> None:
        _start(supervisor, root, nodes, keys, locator_key, hub_port)
        _ask(root, nodes, keys, hub_port)
        say(f"\nThe upper hub keeps serving at http://127.0.0.1:{hub_port} (logs in "
            f"{root / 'logs'}). Ctrl-C stops everything.")

    supervisor.run(start, essential="hub-upper")


def _start(supervisor: Supervisor, root: Path, nodes: list[DemoNode], keys: dict,
           locator_key: Path, hub_port: int) -> None:
    for node in nodes:
        region = next(r for r in regions(hub_port) if node.code.startswith(r.prefix))
        supervisor.start(f"node-{node.code}", _liancha(
            "node", "serve", "--archive-code", node.code, "--archive-name", node.name,
            "--database-url", f"sqlite:///{node.database}", "--port", str(node.port),
            "--hub-public-key", str(keys[region.code] / "public.pem"),
            "--signing-key", str(node.keys / "private.pem")))
    for node in nodes:
        supervisor.wait_ready(f"node-{node.code}", f"{node.url}/readyz")
    upper_entries = []
    for region in regions(hub_port):
        below = [{"code": n.code, "name": n.name, "url": n.url,
                  "public_key": str(n.keys / "public.pem")}
                 for n in nodes if n.code.startswith(region.prefix)]
        nodes_file = write_nodes_file(root / "hubs" / region.code / "nodes.yaml", below)
        supervisor.start(f"hub-{region.code}", _liancha(
            "hub", "serve", "--nodes", str(nodes_file), "--port", str(region.port),
            "--signing-key", str(keys[region.code] / "private.pem"),
            "--identity-public-key", str(keys["identity"] / "public.pem"),
            "--database-url", f"sqlite:///{root / 'hubs' / region.code / 'hub.sqlite'}",
            "--certificate-keys", str(root / "hubs" / region.code / "certificate-keys"),
            "--locator-key", str(locator_key),
            "--upper-hub-public-key", str(keys["upper"] / "public.pem"),
            "--hub-code", region.code, "--hub-name", region.name))
        upper_entries.append({"code": region.code, "name": region.name, "kind": "hub",
                              "url": region.url,
                              "public_key": str(keys[region.code] / "public.pem")})
    upper_file = write_nodes_file(root / "hubs" / "upper" / "nodes.yaml", upper_entries)
    supervisor.start("hub-upper", _liancha(
        "hub", "serve", "--nodes", str(upper_file), "--port", str(hub_port),
        "--signing-key", str(keys["upper"] / "private.pem"),
        "--identity-public-key", str(keys["identity"] / "public.pem"),
        "--database-url", f"sqlite:///{root / 'hubs' / 'upper' / 'hub.sqlite'}",
        "--certificate-keys", str(root / "hubs" / "upper" / "certificate-keys"),
        "--locator-key", str(locator_key)))  # the regional hubs publish their archives' union
    for region in regions(hub_port):
        supervisor.wait_ready(f"hub-{region.code}", f"{region.url}/readyz")
    supervisor.wait_ready("hub-upper", f"http://127.0.0.1:{hub_port}/readyz")
    for region in regions(hub_port):  # the regional hubs fetch their archives' locators
        _wait_for_locators(root / "logs" / f"hub-{region.code}.log", region, nodes)


def _wait_for_locators(log: Path, region: Region, nodes: list[DemoNode]) -> None:
    """Until the regional hub has fetched its archives' locators (it does on starting, and
    says so in its log); until then they would all be asked."""
    import time

    wanted = {n.code for n in nodes if n.code.startswith(region.prefix)}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log.read_text("utf-8", "replace") if log.exists() else ""
        if all(f"locator of {code} fetched" in text for code in wanted):
            return
        time.sleep(0.3)
    say(f"(the {region.name} has not fetched every locator yet: those archives are asked)")


def _sample(data: Path, nodes: list[DemoNode]) -> dict:
    """A person with an id number whose records lie in archives of both provinces, most
    archives first."""
    import csv
    from collections import defaultdict

    archives: dict[str, set[str]] = defaultdict(set)
    with open(data / "ground_truth.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            archives[row["person_id"]].add(row["record_id"].split("/")[0])
    with open(data / "people.csv", encoding="utf-8") as handle:
        people = [row for row in csv.DictReader(handle) if row["id_number"]
                  and {code[:2] for code in archives[row["person_id"]]} == {"50", "51"}]
    people.sort(key=lambda p: (-len(archives[p["person_id"]]), p["person_id"]))
    return people[0]


def _ask(root: Path, nodes: list[DemoNode], keys: dict, hub_port: int) -> None:
    from federation.identity import mint_clerk_token
    from schemas.signing import load_private_key

    person = _sample(root / "data", nodes)
    token = mint_clerk_token(load_private_key(keys["upper"] / "private.pem"),
                             "demo-clerk", "510000", ["receiving", "holding"])
    body = {"subject": {"id_number": person["id_number"], "name": person["name"]},
            "purpose": PURPOSE}
    url = f"http://127.0.0.1:{hub_port}/api/v1/queries"
    say(f"\nAsking the upper hub about {person['name']} ({person['id_number']}):\n"
        f"  curl -s {url} -H 'Authorization: Bearer {token}' \\\n"
        f"    -H 'Content-Type: application/json' \\\n"
        f"    -d '{json.dumps(body, ensure_ascii=False)}'")
    answer = requests.post(url, json=body, timeout=60,
                           headers={"Authorization": f"Bearer {token}"}).json()
    say(f"\ncomplete: {answer['complete']}; each archive, through its regional hub:")
    for status in answer["nodes"]:
        via = " → ".join(v["name"] for v in status.get("via", [])) or "(direct)"
        say(f"  {status['archive']['code']} {status['archive']['name']:<12} {status['status']:<9}"
            f" {status['count']} records   via {via}")
    subject = next((p for p in answer["persons"] if p["is_subject"]), None)
    if subject is not None:
        held = sorted({r["record_id"].split("/")[0] for r in subject["records"]})
        say(f"\n{person['name']}: {len(subject['records'])} records, one person, from "
            f"archives {', '.join(held)} (under both regional hubs).")
    searched = _searched(root / "logs", nodes, answer["query_id"])
    silent = [n for n in nodes if n.code not in searched]
    say(f"\nNode logs: {len(searched)} archives logged a search for request "
        f"{answer['query_id']} ({', '.join(sorted(searched))}); the other {len(silent)} were "
        f"not called (their record locators hold none of the subject's keys):")
    for node in silent:
        say(f"  grep -c {answer['query_id']} {root / 'logs' / f'node-{node.code}.log'}   # 0")


def _searched(logs: Path, nodes: list[DemoNode], query_id: str) -> set[str]:
    """The archives whose node logged a search for `query_id`."""
    found = set()
    for node in nodes:
        log = logs / f"node-{node.code}.log"
        if log.exists() and any("search" in line and query_id in line
                                for line in log.read_text("utf-8", "replace").splitlines()):
            found.add(node.code)
    return found
