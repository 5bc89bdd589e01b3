"""Field types of the standard that several schemas share (partial dates, id numbers, codes)."""

import re
from datetime import UTC, datetime

from marshmallow import ValidationError, fields, validate

from schemas import partial_dates

RECORD_TYPES = ("marriage", "forestry_right", "sent_down_youth", "employment")
GENDERS = ("M", "F", "U")
ACCESS_LEVELS = ("open", "restricted")

# the years the standard's dates hold (schemas.partial_dates): 1800..2100
_PARTIAL_ISO = re.compile(
    r"^(1[89]\d\d|20\d\d|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
ARCHIVE_CODE = re.compile(r"^\d{6}$")


class Moment(fields.DateTime):
    """A point in time, always served the same way: ISO 8601 in UTC with its offset
    (`2026-12-07T06:30:00.123456+00:00`). A naive value is one SQLite gave back: stored in
    UTC. ISO strings (what the request views give) are read and written the same way."""

    def _serialize(self, value: object, attr: str | None, obj: object,
                   **kwargs: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()


def utc_iso(value: datetime | None) -> str | None:
    """A datetime as `Moment` serves it (for views built as plain dicts)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


class PartialDate(fields.String):
    """An ISO 8601 date at its precision: `1952`, `1952-03` or `1952-03-04`."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "pattern": _PARTIAL_ISO.pattern,
            "description": "partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD, a possible date "
                           "in the years 1800..2100",
            "example": "1975-03",
            **kwargs["metadata"],  # type: ignore[dict-item]
        }
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _PARTIAL_ISO.match(text):
            raise ValidationError("Use a partial ISO date of the years 1800..2100: YYYY, "
                                  "YYYY-MM or YYYY-MM-DD.")
        try:  # of the right form, but also a possible date: no 1593, no 1952-02-30
            partial_dates.PartialDate.from_iso(text)
        except partial_dates.InvalidDate as error:
            raise ValidationError(f"Not a possible date: {error}.") from None
        return text


def id_number_field(**kwargs: object) -> fields.String:
    """An 18-character resident id number, upper-case X (15-digit forms are upgraded)."""
    return fields.String(
        validate=validate.Regexp(_ID18, error="An id number has 17 digits and a digit or X."),
        metadata={"example": "11010519491231002X"},
        **kwargs,  # type: ignore[arg-type]
    )


def one_of(choices: tuple[str, ...], **kwargs: object) -> fields.String:
    return fields.String(validate=validate.OneOf(choices), **kwargs)  # type: ignore[arg-type]
