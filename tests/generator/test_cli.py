"""The `generate` command, driven through click."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import generate_command


def test_generate_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(generate_command, ["--out", str(tmp_path / "o"), "--people",
                                                   "40", "--seed", "5", "--layout", "standard"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("total: 40 people")
    manifest = yaml.safe_load((tmp_path / "o" / "manifest.yaml").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["layout"] == "standard"


def test_generate_command_rejects_unknown_layout(tmp_path: Path) -> None:
    result = CliRunner().invoke(generate_command, ["--out", str(tmp_path), "--layout", "sql"])
    assert result.exit_code != 0
