"""Precision and recall of the grouping against the generator's ground truth (issue 3).

The generator writes ten archives' catalogues in their legacy layouts; each is imported
into its own SQLite node. For ~150 sampled people the hub's answer is built as the hub
would: every node's search service is asked with the person's id number and name, all
records are collected and ``group_persons`` groups their parties. Every pair of parties in
an answer is then counted: a true pair has one person in the ground truth; a predicted pair
has one person in the grouping.
"""

import csv
import itertools
import random
from collections import Counter

import pytest
from sqlalchemy.orm import Session

from federation.merge import group_persons
from federation.merge.parties import party_key
from generator.catalogues import generate
from nodes.services.search import search
from tests.federation.ownership.citizens_world import generated_nodes

PEOPLE, SEED, SAMPLE = 600, 5, 150
PRECISION_TARGET, RECALL_TARGET = 0.99, 0.97


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, dict[str, str]]:
    """(subject, records) per sampled person, and the ground truth by party key."""
    out = tmp_path_factory.mktemp("merge-data")
    manifest = generate(out, people=PEOPLE, seed=SEED)
    nodes = generated_nodes(out, manifest)
    with open(out / "people.csv", encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    truth: dict[str, str] = {}
    seen: Counter[tuple[str, str]] = Counter()
    with open(out / "ground_truth.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):  # several holders share a role: count them
            seen[(row["record_id"], row["role"])] += 1
            truth[party_key(row["record_id"], row["role"],
                            seen[(row["record_id"], row["role"])])] = row["person_id"]
    result = []
    for person in random.Random(SEED).sample(people, SAMPLE):
        subject = {"id_number": person["id_number"], "name": person["name"]}
        request = {"subject": subject, "purpose": "measurement", "request_id": "m"}
        records: list[dict] = []
        for engine, settings in nodes:
            with Session(engine) as session:
                records.extend(search(session, settings, request).records)
        result.append((subject, records))
    for engine, _ in nodes:
        engine.dispose()
    return result, truth


def _party_keys(records: list[dict]) -> dict[tuple[str, int], str]:
    """(record_id, index in parties) -> the ground truth's key: record, role, ordinal."""
    keys = {}
    for record in records:
        roles: Counter[str] = Counter()
        for index, party in enumerate(record["parties"]):
            roles[party["role"]] += 1
            keys[(record["record_id"], index)] = party_key(record["record_id"], party["role"],
                                                           roles[party["role"]])
    return keys


def test_grouping_precision_and_recall_against_the_ground_truth(answers: tuple) -> None:
    queries, truth = answers
    true_positive = false_positive = false_negative = subjects_by_id = 0
    for subject, records in queries:
        persons = group_persons(records, subject)
        keys = _party_keys(records)
        predicted = {keys[(entry["record_id"], entry["party"])]: index
                     for index, person in enumerate(persons) for entry in person.records}
        assert len(predicted) == len(keys)  # every party is in exactly one person
        for a, b in itertools.combinations(sorted(predicted), 2):
            same_predicted, same_true = predicted[a] == predicted[b], truth[a] == truth[b]
            true_positive += same_predicted and same_true
            false_positive += same_predicted and not same_true
            false_negative += same_true and not same_predicted
        subjects_by_id += bool(persons) and persons[0].subject_confidence == 1.0
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"\nmerge over {len(queries)} queries: precision {precision:.4f}, recall {recall:.4f} "
          f"({true_positive} true pairs found, {false_positive} false, {false_negative} missed; "
          f"subject found by id number first in {subjects_by_id} answers)")
    assert true_positive > 300
    assert precision >= PRECISION_TARGET
    assert recall >= RECALL_TARGET
