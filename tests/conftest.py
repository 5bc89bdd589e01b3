"""Fixtures every test package shares: a fresh database per test, and key pairs.

Tests run on SQLite by default. With LIANCHA_TEST_DATABASE_URL set to a PostgreSQL
database, each test gets its own schema there (so xdist workers never collide), dropped
at the end.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from federation.background import stop_all_in_process
from schemas.signing import generate_key_pair

POSTGRES_URL = os.environ.get("LIANCHA_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'node.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    stop_all_in_process()  # hub apps of the test would poll tables no longer there
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Key pairs of a hub and a node: {"hub_private", "hub_public", "node_private", ...}."""
    root = tmp_path_factory.mktemp("keys")
    found = {}
    for who in ("hub", "node", "stranger"):
        private, public = generate_key_pair(root / who)
        found[f"{who}_private"], found[f"{who}_public"] = private, public
    return found
