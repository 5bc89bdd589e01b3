"""Export the standard's marshmallow schemas as JSON Schema files (draft 2020-12)."""

import json
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from schemas import nesting, records, search

EXPORTED: dict[str, type[Schema]] = {
    "Record": records.RecordSchema,
    "MarriageDetails": records.MarriageDetails,
    "ForestryRightDetails": records.ForestryRightDetails,
    "SentDownYouthDetails": records.SentDownYouthDetails,
    "EmploymentDetails": records.EmploymentDetails,
    "SearchRequest": search.SearchRequestSchema,
    "SearchAnswer": search.SearchAnswerSchema,
    "ServiceInfo": search.ServiceInfoSchema,
    "Locator": search.LocatorSchema,
    "Problem": search.ProblemSchema,
    # a hub serving an upper hub (docs/standard.md, "A hub as a node")
    "HubServiceInfo": nesting.HubServiceInfoSchema,
    "HubSearchAnswer": nesting.HubSearchAnswerSchema,
    "HubRecord": nesting.RelayedRecordSchema,
    "HubLocator": nesting.HubLocatorSchema,
}


def json_schemas() -> dict[str, dict]:
    """Every exported schema as a self-contained JSON Schema document: itself, and the
    definitions it refers to (directly or through others) under `$defs`."""
    spec = APISpec("liancha-standard", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    for name, schema in EXPORTED.items():
        spec.components.schema(name, schema=schema)
    components = {key: _rewrite_refs(value)
                  for key, value in spec.to_dict()["components"]["schemas"].items()}
    documents = {}
    for name in EXPORTED:
        document = dict(components[name])
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["$id"] = f"https://liancha.example/standard/v1/{name}.json"
        document["title"] = name
        document["$defs"] = {key: components[key]
                             for key in sorted(_reachable(components[name], components))}
        documents[name] = document
    return documents


def _reachable(node: object, components: dict[str, dict]) -> set[str]:
    """The names of the definitions `node` refers to, directly or through others."""
    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            reference = current.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                key = reference.removeprefix("#/$defs/")
                if key not in found:
                    found.add(key)
                    pending.append(components[key])
            pending.extend(value for key, value in current.items() if key != "$ref")
        elif isinstance(current, list):
            pending.extend(current)
    return found


def _rewrite_refs(node: object) -> object:
    if isinstance(node, dict):
        return {
            key: value.replace("#/components/schemas/", "#/$defs/")
            if key == "$ref"
            else _rewrite_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def export(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in json_schemas().items():
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        written.append(path)
    return written
