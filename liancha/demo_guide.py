"""What `liancha demo` prints once everything is up: addresses, a token, a query to paste.

The sample query is chosen by asking the running hub: the first generated person whose
records it assembles from at least three archives.
"""

import csv
import json
import shlex
import sys
from collections import defaultdict
from pathlib import Path

import click
import requests

from liancha.processes import Supervisor

SAMPLE_PURPOSE = "proof of marriage for a property transfer (demo)"
MIN_ARCHIVES = 3


def _candidates(data: Path) -> list[dict]:
    """People with an id number, those whose records lie in the most archives first."""
    archives: dict[str, set[str]] = defaultdict(set)
    with open(data / "ground_truth.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            archives[row["person_id"]].add(row["record_id"].split("/")[0])
    with open(data / "people.csv", encoding="utf-8") as handle:
        people = [row for row in csv.DictReader(handle) if row["id_number"]]
    people.sort(key=lambda p: (-len(archives[p["person_id"]]), p["person_id"]))
    return people[:40]


def _liancha_for_people() -> str:
    """How a person types the command: the installed script next to this Python."""
    script = Path(sys.executable).parent / "liancha"
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m liancha"


def find_sample(data: Path, hub_url: str, token: str) -> tuple[dict, dict] | None:
    for person in _candidates(data):
        body = {"subject": {"id_number": person["id_number"], "name": person["name"]},
                "purpose": SAMPLE_PURPOSE}
        answer = requests.post(f"{hub_url}/api/v1/queries", json=body, timeout=30,
                               headers={"Authorization": f"Bearer {token}"}).json()
        subject = next((p for p in answer.get("persons", []) if p["is_subject"]), None)
        if subject and len({r["record_id"].split("/")[0] for r in subject["records"]}) \
                >= MIN_ARCHIVES:
            return body, answer
    return None


def _print_certificate_steps(hub_url: str, answer: dict, subject: dict) -> None:
    auth = "-H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
    body = {"query_id": answer["query_id"], "purpose": SAMPLE_PURPOSE,
            "record_ids": [r["record_id"] for r in subject["records"]]}
    click.echo(
        f"\nIssue a certificate (档案查询证明) from that answer, in 泸州市档案馆's name:\n"
        f"  curl -s {hub_url}/api/v1/certificates {auth} "
        f"-d {shlex.quote(json.dumps(body, ensure_ascii=False))}\n"
        f"Its answer has `pdf_url` (curl -s -H \"Authorization: Bearer $TOKEN\" -o c.pdf URL)"
        f" and `verify_url`, what the QR code holds: open it to see 有效.\n"
        f"Revoke it, and the same scan says 已撤销:\n"
        f"  curl -s {hub_url}/api/v1/certificates/CERTIFICATE_NO/revoke {auth} "
        f"-d '{{\"reason\": \"演示撤销\"}}'"
    )


def print_guide(root: Path, hub_url: str, nodes: list, identity_keys: Path,
                supervisor: Supervisor) -> None:
    from federation.identity import mint_identity_token
    from schemas.signing import load_private_key

    key = load_private_key(identity_keys / "private.pem")
    clerk = nodes[0]
    token = mint_identity_token(key, "clerk", archive=clerk.code)
    click.echo(f"\nLiancha demo: the hub and one node per archive (logs in {root / 'logs'})")
    click.echo(f"  hub{'':<26} {hub_url}/docs")
    for node in nodes:
        pid = supervisor.pid(f"node-{node.code}")
        click.echo(f"  {node.code} {node.name:<12} pid {pid:<7} {node.url}/docs")

    click.echo(f"\nA clerk of {clerk.name} (token valid 12 hours; Swagger UI: Authorize):\n"
               f"  export TOKEN={token}")
    sample = find_sample(root / "data", hub_url, token)
    if sample is None:
        click.echo("\n(no generated person spans three archives; try more --people)")
    else:
        body, answer = sample
        subject = next(p for p in answer["persons"] if p["is_subject"])
        held = sorted({r["record_id"].split("/")[0] for r in subject["records"]})
        click.echo(
            f"\nAsk every archive about {body['subject']['name']}:\n"
            f"  curl -s {hub_url}/api/v1/queries -H \"Authorization: Bearer $TOKEN\" "
            f"-H 'Content-Type: application/json' "
            f"-d {shlex.quote(json.dumps(body, ensure_ascii=False))}\n"
            f"It answers one person assembled from {len(subject['records'])} records of "
            f"{len(held)} archives ({', '.join(held)}), `explanation` saying why each joined,"
            f"\nand a status line for each of the {len(answer['nodes'])} archives."
        )
        _print_certificate_steps(hub_url, answer, subject)
        stopped = next(n for n in nodes if n.code in held and n.code != clerk.code)
        click.echo(
            f"\nStop one archive (kill {supervisor.pid('node-' + stopped.code)} stops "
            f"{stopped.name}) and ask again: its status says so, and complete is false."
        )
    identity = shlex.quote(str(identity_keys / "private.pem"))
    click.echo(f"\nOther tokens: {_liancha_for_people()} token --key {identity} --role citizen "
               f"--id-number N --name NAME\nCtrl-C stops everything.")
