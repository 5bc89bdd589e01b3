"""A generated federation in which every person asks about themselves, and what they are
shown counted against the ground truth: the set-up of `test_measurement.py` and of
`bench/citizens.py`.

The generator writes ten archives' catalogues for a population in which some households'
heads share the name, birth date and gender of someone generated before (namesakes, each
on file somewhere with their own id number); each catalogue is imported into its own
SQLite node. Every person then asks as the app would: every node's search service is asked
with their id number and name, and the hub weighs the answers (`federation.ownership`).
"""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from federation.ownership import NameContext, weigh
from generator.catalogues import generate
from nodes.config import NodeSettings
from nodes.importing.mapping import STANDARD
from nodes.importing.mapping_file import load_mapping
from nodes.services.importer import import_file
from nodes.services.search import search
from nodes.storage import make_engine, upgrade_schema


@dataclass
class Figures:
    people: int = 0
    namesake_pairs: int = 0  # people sharing a name and birth date with someone before them
    records: int = 0  # every record of every person (a marriage counts for both)
    shown: int = 0
    shown_theirs: int = 0
    offered_theirs: int = 0  # offered and not shown
    strangers: list[tuple[str, str]] = field(default_factory=list)  # (person, record) shown
    held_back: Counter[str] = field(default_factory=Counter)  # their offered, by reason

    @property
    def precision(self) -> float:
        return self.shown_theirs / self.shown if self.shown else 1.0

    @property
    def recall(self) -> float:
        return self.shown_theirs / self.records

    @property
    def offered_recall(self) -> float:
        return (self.shown_theirs + self.offered_theirs) / self.records

    def report(self) -> str:
        lines = [f"{self.people} people ({self.namesake_pairs} sharing a name and birth date "
                 f"with someone before them), {self.records} of their records:",
                 f"  citizen-shown precision {self.precision:.3f} ({self.shown} shown, "
                 f"{len(self.strangers)} of them a stranger's)",
                 f"  citizen-shown recall {self.recall:.3f}",
                 f"  shown-or-offered recall {self.offered_recall:.3f}",
                 "  their records offered, not shown, by what held them back:"]
        lines += [f"    {count:5d}  {reason}" for reason, count in self.held_back.most_common(8)]
        return "\n".join(lines)


def measure(out: Path, people: int, seed: int, namesakes: float) -> Figures:
    manifest = generate(out, people=people, seed=seed, namesakes=namesakes)
    nodes = generated_nodes(out, manifest)
    try:
        return _count(out, nodes)
    finally:
        for engine, _ in nodes:
            engine.dispose()


def generated_nodes(out: Path, manifest: dict) -> list[tuple]:
    """A SQLite node per archive of the generated catalogues: (engine, NodeSettings)."""
    key = Ed25519PrivateKey.generate()
    nodes = []
    for archive in manifest["archives"]:
        url = f"sqlite:///{out / (archive['code'] + '.sqlite')}"
        engine = make_engine(url)
        upgrade_schema(engine)
        for catalogue in archive["catalogues"]:
            rtype = catalogue["record_type"]
            mapping = (load_mapping(out / catalogue["mapping"], rtype)
                       if catalogue["mapping"] else STANDARD)
            report = import_file(engine, rtype, out / catalogue["file"], mapping)
            assert not report.rejected, report.rejected[:3]
        nodes.append((engine, NodeSettings(archive["code"], archive["name"], archive["code"],
                                           url, key.public_key(), key, 100, 300, 30)))
    return nodes


def _ask(nodes: list[tuple], person: dict) -> tuple[dict, list]:
    """The person's own query as each node answers it (records, and what it says of the
    name), in the shape the hub's fan-out hands to the weighing."""
    subject = {"id_number": person["id_number"], "name": person["name"]}
    request = {"subject": subject, "purpose": "measurement", "request_id": "m"}
    outcomes = []
    for engine, settings in nodes:
        with Session(engine) as session:
            found = search(session, settings, request)
        said = {key: value for key, value in (("name_frequency", found.name_frequency),
                                              ("namesakes", found.namesakes)) if value}
        outcomes.append(SimpleNamespace(status="ok", records=found.records, name_context=said))
    return subject, outcomes


def _count(out: Path, nodes: list[tuple]) -> Figures:
    truth: dict[str, set[str]] = defaultdict(set)
    with open(out / "ground_truth.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[row["person_id"]].add(row["record_id"])
    with open(out / "people.csv", encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    same = Counter(person["name"] + person["birth_date"] for person in people)
    figures = Figures(people=len(people),
                      namesake_pairs=sum(count - 1 for count in same.values() if count > 1))
    for person in people:
        subject, outcomes = _ask(nodes, person)
        ownership = weigh([r for o in outcomes for r in o.records], subject,
                          NameContext.of(outcomes))
        theirs = truth[person["person_id"]]
        shown = {claim.party.record_id for claim in ownership.shown}
        offered = {claim.party.record_id for claim in ownership.offered} - shown
        figures.records += len(theirs)
        figures.shown += len(shown)
        figures.shown_theirs += len(shown & theirs)
        figures.offered_theirs += len(offered & theirs)
        figures.strangers += [(person["person_id"], record) for record in shown - theirs]
        for claim in ownership.offered:
            if claim.party.record_id in theirs:
                against = sorted({r.kind for r in claim.reasons if r.side == "against"})
                figures.held_back[", ".join(against) or f"odds {claim.odds:.1f} < 3"] += 1
    return figures
