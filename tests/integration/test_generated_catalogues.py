"""Generated catalogues in every legacy layout, imported through the CLI, searched by person.

The generator's ground truth says which records belong to whom; a search by a person's
id number and name at each archive must find them, and an id-number hit must be theirs.
"""

import csv
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.catalogues import generate
from nodes.app import create_app
from nodes.cli import node_group
from schemas.signing import load_private_key, mint_hub_token

PEOPLE = 300


@pytest.fixture(scope="module")
def federation_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out, PEOPLE, seed=3)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_layout_imports_through_the_cli_without_a_rejected_row(
        federation_data: Path, database_url: str, keys: dict, tmp_path: Path) -> None:
    manifest = yaml.safe_load((federation_data / "manifest.yaml").read_text("utf-8"))
    people = {row["person_id"]: row for row in read_csv(federation_data / "people.csv")}
    truth: dict[str, set[str]] = defaultdict(set)
    for row in read_csv(federation_data / "ground_truth.csv"):
        truth[row["person_id"]].add(row["record_id"])

    # Luzhou (the XLSX layout) goes to the database under test; on SQLite the other
    # archives each get a file of their own, on PostgreSQL they are left to the SQLite run.
    archives = manifest["archives"]
    urls = [database_url] + [f"sqlite:///{tmp_path / (a['code'] + '.sqlite')}"
                             for a in archives[1:]]
    if database_url.startswith("postgresql"):
        archives, urls = archives[:1], urls[:1]
    found_total = expected_total = wrong_id_hits = 0
    for archive, url in zip(archives, urls, strict=True):
        for catalogue in archive["catalogues"]:
            args = ["import", "--database-url", url, "--type", catalogue["record_type"],
                    str(federation_data / catalogue["file"])]
            if catalogue["mapping"]:
                args += ["--mapping", str(federation_data / catalogue["mapping"])]
            result = CliRunner().invoke(node_group, args)
            assert result.exit_code == 0, result.output
            assert f"{catalogue['rows']} inserted" in result.output
            assert "0 rejected" in result.output

        client = create_app({
            "ARCHIVE_CODE": archive["code"], "ARCHIVE_NAME": archive["name"],
            "DATABASE_URL": url, "HUB_PUBLIC_KEY": keys["hub_public"],
            "SIGNING_KEY": keys["node_private"],
        }).test_client()
        hub_key = load_private_key(keys["hub_private"])
        prefix = archive["code"] + "/"
        for person_id, records in truth.items():
            expected = {r for r in records if r.startswith(prefix)}
            if not expected:
                continue
            person = people[person_id]
            answer = client.post(
                "/v1/search", json={"subject": {"id_number": person["id_number"],
                                                "name": person["name"]},
                                    "purpose": "test", "request_id": person_id},
                headers={"Authorization":
                         f"Bearer {mint_hub_token(hub_key, archive['code'], 'test')}"},
            ).json
            found = {r["record_id"] for r in answer["records"]}
            found_total += len(expected & found)
            expected_total += len(expected)
            wrong_id_hits += sum(
                1 for r in answer["records"]
                if r["match"]["basis"][0].startswith("id_number") and r["record_id"] not in records
            )
    recall = found_total / expected_total
    print(f"\nrecall of a per-archive search by id number and name: {recall:.3f} "
          f"({found_total}/{expected_total})")
    assert recall >= 0.95
    assert wrong_id_hits == 0
