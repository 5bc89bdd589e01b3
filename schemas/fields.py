"""Field types of the standard that several schemas share (partial dates, id numbers, codes)."""

import re

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
