"""What `liancha demo` prints once everything is up: addresses, tokens, the commands of the
README's walkthrough with this run's values filled in.

The sample person is chosen by asking the running hub: the first generated person whose
records it assembles from at least three archives, and who, asking for themselves, sees a
record held by an archive other than the kiosk's (the one they ask for across archives).
"""

import csv
import json
import shlex
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import click
import requests

from liancha.demo_setup import DEMO_PASSWORD, DemoCallers

SAMPLE_PURPOSE = "房产过户婚姻状况证明（演示）"
CITIZEN_PURPOSE = "退休工龄认定（演示）"
MIN_ARCHIVES = 3


@dataclass(frozen=True)
class Sample:
    body: dict  # the clerk's query
    answer: dict
    person: dict  # {id_number, name}
    holding: dict  # {code, name}: the other archive holding a record the person sees
    record: dict  # that record, as the person's own query shows it

    @property
    def record_id(self) -> str:
        return str(self.record["record_id"])


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


def liancha_for_people() -> str:
    """How a person types the command: the installed script next to this Python."""
    script = Path(sys.executable).parent / "liancha"
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m liancha"


def clerk_login(hub_url: str, username: str) -> str:
    answer = requests.post(f"{hub_url}/clerk/api/v1/login", timeout=30,
                           json={"username": username, "password": DEMO_PASSWORD})
    answer.raise_for_status()
    return answer.json()["token"]


def find_sample(data: Path, hub_url: str, token: str, citizen_token, kiosk_archive: str  # type: ignore[no-untyped-def]
                ) -> Sample | None:
    """`citizen_token(id_number, name)` mints the person's own app token."""
    for person in _candidates(data):
        subject = {"id_number": person["id_number"], "name": person["name"]}
        body = {"subject": subject, "purpose": SAMPLE_PURPOSE}
        answer = requests.post(f"{hub_url}/api/v1/queries", json=body, timeout=30,
                               headers={"Authorization": f"Bearer {token}"}).json()
        found = next((p for p in answer.get("persons", []) if p["is_subject"]), None)
        if not found or len({r["record_id"].split("/")[0] for r in found["records"]}) \
                < MIN_ARCHIVES:
            continue
        own = requests.post(f"{hub_url}/mobile/api/v1/queries", timeout=30,
                            json={"purpose": CITIZEN_PURPOSE}, headers={
                                "Authorization": f"Bearer {citizen_token(**subject)}"}).json()
        elsewhere = [r for r in own.get("records", []) if r["archive"]["code"] != kiosk_archive]
        if elsewhere:
            return Sample(body, answer, subject, elsewhere[0]["archive"], elsewhere[0])
    return None


@dataclass(frozen=True)
class ConfirmationSample:
    person: dict  # {id_number, name}
    answer: dict  # their own query: nothing of `archive` shown for sure, `to_confirm` there
    archive: dict  # {code, name}: the one archive holding records for a clerk to confirm
    count: int


def find_confirmation_sample(data: Path, hub_url: str, citizen_token,  # type: ignore[no-untyped-def]
                             other_than: str) -> ConfirmationSample | None:
    """The first person with records written without an id number whose own query offers
    records of exactly one archive to confirm, all of them theirs by the ground truth;
    records with a birth date (not forestry certificates, which have none) preferred."""
    theirs: dict[str, list[str]] = defaultdict(list)
    with open(data / "ground_truth.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            theirs[row["person_id"]].append(row["record_id"])
    with open(data / "blemishes.csv", encoding="utf-8") as handle:
        unnumbered = {row["record_id"] for row in csv.DictReader(handle)
                      if row["kind"] == "no_id"}
    with open(data / "people.csv", encoding="utf-8") as handle:
        people = [row for row in csv.DictReader(handle) if row["id_number"] != other_than
                  and any(r in unnumbered for r in theirs[row["person_id"]])]
    fallback = None
    for person in people[:150]:
        subject = {"id_number": person["id_number"], "name": person["name"]}
        own = requests.post(f"{hub_url}/mobile/api/v1/queries", timeout=30,
                            json={"purpose": CITIZEN_PURPOSE}, headers={
                                "Authorization": f"Bearer {citizen_token(**subject)}"}).json()
        offered = own.get("to_confirm") or []
        if len(offered) != 1:
            continue
        code = offered[0]["archive"]["code"]
        shown = {r["record_id"] for r in own["records"]}
        waiting = [r for r in theirs[person["person_id"]]
                   if r.startswith(code + "/") and r not in shown]
        if offered[0]["count"] > len(waiting):
            continue
        sample = ConfirmationSample(subject, own, offered[0]["archive"], offered[0]["count"])
        if not any("/forestry_right/" in record for record in waiting):
            return sample
        fallback = fallback or sample
    return fallback


def print_addresses(hub_url: str, nodes: list, supervisor, reader_url: str, sink_log: Path,  # type: ignore[no-untyped-def]
                    logs: Path) -> None:
    click.echo(f"\nLiancha demo: the hub and one node per archive (logs in {logs})")
    click.echo(f"  hub API{'':<22} {hub_url}/docs")
    click.echo(f"  citizen app API{'':<14} {hub_url}/mobile/docs")
    click.echo(f"  kiosk page{'':<19} {hub_url}/kiosk/?reader={reader_url}")
    click.echo(f"  clerk workbench{'':<14} {hub_url}/workbench/   (API: {hub_url}/clerk/docs)")
    click.echo(f"  national platform API{'':<8} {hub_url}/national/docs   "
               f"(callbacks it receives: {sink_log})")
    for node in nodes:
        pid = supervisor.pid(f"node-{node.code}")
        click.echo(f"  {node.code} {node.name:<12} pid {pid:<7} {node.url}/docs")


def print_clerk_steps(hub_url: str, token: str, callers: DemoCallers, sample: Sample) -> None:
    auth = "-H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
    subject = next(p for p in sample.answer["persons"] if p["is_subject"])
    held = sorted({r["record_id"].split("/")[0] for r in subject["records"]})
    issue = {"query_id": sample.answer["query_id"], "purpose": SAMPLE_PURPOSE,
             "record_ids": [r["record_id"] for r in subject["records"]]}
    click.echo(
        f"\nClerk accounts (password {DEMO_PASSWORD}): shouli-CODE receives requests (受理), "
        f"xiezhu-CODE searches its archive (协办), {callers.administrator} administers "
        f"{callers.receiving_archive}.\n"
        f"\n1. A clerk's query. {callers.administrator}'s token (Swagger UI: Authorize):\n"
        f"  export TOKEN={token}\n"
        f"  curl -s {hub_url}/api/v1/queries {auth} "
        f"-d {shlex.quote(json.dumps(sample.body, ensure_ascii=False))}\n"
        f"It answers one person assembled from {len(subject['records'])} records of "
        f"{len(held)} archives ({', '.join(held)}), `explanation` saying why each joined,"
        f"\nand a status line for each of the {len(sample.answer['nodes'])} archives.\n"
        f"Issue a certificate (档案查询证明) from that answer:\n"
        f"  curl -s {hub_url}/api/v1/certificates {auth} "
        f"-d {shlex.quote(json.dumps(issue, ensure_ascii=False))}\n"
        f"Its answer has `pdf_url` (curl -s -H \"Authorization: Bearer $TOKEN\" -o c.pdf URL)"
        f" and `verify_url`, what the QR code holds: open it to see 有效.\n"
        f"Revoke it, and the same scan says 已撤销:\n"
        f"  curl -s {hub_url}/api/v1/certificates/CERTIFICATE_NO/revoke {auth} "
        f"-d '{{\"reason\": \"演示撤销\"}}'"
    )
