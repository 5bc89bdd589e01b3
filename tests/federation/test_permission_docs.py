"""docs/permissions.md prints the permission matrix the services enforce."""

from pathlib import Path

from federation.permissions import MATRIX, SCOPES, matrix_markdown

DOC = Path(__file__).parents[2] / "docs" / "permissions.md"


def test_the_documented_matrix_is_the_enforced_one() -> None:
    assert matrix_markdown() in DOC.read_text("utf-8")


def test_every_action_says_on_what_it_acts() -> None:
    assert set(SCOPES) == set(MATRIX)
    assert all(MATRIX.values())
