"""The JSON Schemas beside docs/standard.md are what `liancha schema export` makes of the
schemas now: a schema changed without re-exporting them fails here."""

import json
from pathlib import Path

from schemas.export import json_schemas

STANDARD = Path(__file__).resolve().parents[2] / "docs" / "standard"


def test_the_published_json_schemas_are_the_current_ones():
    published = {path.name.removesuffix(".schema.json"): json.loads(path.read_text("utf-8"))
                 for path in STANDARD.glob("*.schema.json")}
    assert published == json_schemas(), "run: liancha schema export docs/standard"


def test_the_standard_is_in_this_repository():
    text = (STANDARD.parent / "standard.md").read_text("utf-8")
    for section in ("## Record types", "## Node HTTP API", "name_frequency", "namesakes",
                    "## Certificates", "foreign_url"):
        assert section in text
