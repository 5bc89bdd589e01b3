"""Records as the standard presents them: stored documents plus the archive's identity."""

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nodes.config import NodeSettings
from nodes.errors import RecordNotFound
from nodes.models import Record

ENVELOPE_ORDER = (
    "record_id", "record_type", "archive", "reference", "event_date", "parties",
    "details", "access", "digitized_pages",
)


def present(stored: str, settings: NodeSettings) -> dict:
    document = json.loads(stored)
    local_id = document.pop("local_id")
    document["record_id"] = f"{settings.archive_code}/{document['record_type']}/{local_id}"
    document["archive"] = {"code": settings.archive_code, "name": settings.archive_name}
    return {key: document[key] for key in ENVELOPE_ORDER}


def get_record(session: Session, settings: NodeSettings, record_id: str) -> dict:
    code, _, rest = record_id.partition("/")
    record_type, _, local_id = rest.partition("/")
    if code != settings.archive_code or not local_id:
        raise RecordNotFound(f"This archive ({settings.archive_code}) holds no {record_id}.")
    stored = session.scalar(
        select(Record.document).where(
            Record.record_type == record_type, Record.local_id == local_id
        )
    )
    if stored is None:
        raise RecordNotFound(f"This archive holds no record {record_id}.")
    return present(stored, settings)


def counts_by_type(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Record.record_type, func.count()).group_by(Record.record_type)
    ).all()
    return {record_type: count for record_type, count in rows}
