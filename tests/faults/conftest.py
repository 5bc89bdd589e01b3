"""The fault suite (issue 6): the federation keeps its promises while parts of it fail.

Every test here is marked `faults`: the suite's ordinary runs leave them out
(`addopts` in pyproject.toml) and `scripts/test.sh` runs them on their own, one at a
time, against real PostgreSQL and Redis: `pytest -m faults` with
LIANCHA_TEST_DATABASE_URL set. They kill processes and stop servers, always private ones
started by the test (never the machine's PostgreSQL or Redis), and each is bounded in time.
"""

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL the fault suite writes to; the suite is about production, so it does
    not run on SQLite (make test runs it after the two database runs)."""
    url = os.environ.get("LIANCHA_TEST_DATABASE_URL")
    if not url:
        pytest.fail("the fault suite runs against PostgreSQL: set LIANCHA_TEST_DATABASE_URL "
                    "(scripts/test.sh does)")
    return url
