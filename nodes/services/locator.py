"""The node's record locator: built from the parties index, published to hubs.

An import first withdraws the locator (in its own committed transaction, before any row
lands), then builds a new one at its end when the node has the federation's locator key:
while rows change there is no locator, and a hub without one asks the node every time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from nodes.models import Locator, Party
from schemas.locator import (
    FALSE_POSITIVE_RATE,
    FORMAT,
    MAX_PARTY_KEYS,
    LocatorKey,
    encode_filter,
    new_filter,
    party_keys,
)

BATCH = 20_000


@dataclass(frozen=True)
class BuiltLocator:
    parties: int
    keys: int
    bytes: int
    seconds: float


def withdraw_locator(engine: Engine) -> None:
    """No locator until the next build: hubs ask this node every time meanwhile."""
    with engine.begin() as connection:
        connection.execute(delete(Locator))


def build_locator(engine: Engine, key: LocatorKey) -> BuiltLocator:
    """Build the locator of every party held, and publish it (replacing any other)."""
    started = datetime.now(UTC)
    columns = (Party.name_pinyin, Party.id_body, Party.id_valid, Party.birth_start,
               Party.birth_end)
    with engine.connect() as connection:
        held = connection.execute(select(func.count()).select_from(Party)).scalar_one()
        bloom = new_filter(held * MAX_PARTY_KEYS)  # never fuller than it is sized for
        keys = 0
        rows = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            select(*columns))
        for batch in rows.partitions(BATCH):
            batch_keys = [k for row in batch for k in party_keys(*row)]
            keys += len(batch_keys)
            bloom.update(key.hashed(batch_keys))
    published = encode_filter(bloom)
    with engine.begin() as connection:
        connection.execute(delete(Locator))
        connection.execute(Locator.__table__.insert().values(
            pk=1, built_at=started.isoformat(), key_id=key.key_id,
            parties=held, keys=keys, filter=published))
    seconds = (datetime.now(UTC) - started).total_seconds()
    return BuiltLocator(held, keys, len(published) * 3 // 4, seconds)


def published_locator(session: Session, archive: dict) -> dict | None:
    """The locator as `GET /v1/locator` answers it; None when there is none."""
    row = session.get(Locator, 1)
    if row is None:
        return None
    return {"archive": archive, "format": FORMAT, "key_id": row.key_id,
            "built_at": row.built_at, "false_positive_rate": FALSE_POSITIVE_RATE,
            "parties": row.parties, "keys": row.keys, "filter": row.filter}


def locator_tag(session: Session) -> str | None:
    """The ETag of the published locator (it changes with every build)."""
    row = session.execute(select(Locator.key_id, Locator.built_at, Locator.keys)).first()
    return None if row is None else f'"{row.key_id}-{row.built_at}-{row.keys}"'
