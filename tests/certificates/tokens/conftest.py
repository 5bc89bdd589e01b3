"""A keyring in a temporary directory for the token tests."""

from pathlib import Path

import pytest

from certificates.tokens import Keyring


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keys")
