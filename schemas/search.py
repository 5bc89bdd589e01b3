"""Schemas of the node's search request and answer, and of its service descriptor."""

from datetime import date

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from schemas import partial_dates
from schemas.fields import GENDERS, RECORD_TYPES, PartialDate, one_of
from schemas.records import ArchiveSchema, RecordSchema

MATCH_BASES = (
    "id_number",
    "id_number_15",
    "id_number_check_char",
    "name_exact",
    "name_variant",
    "name_pinyin",
    "birth_date",
    "gender",
    "implied_by_id_number",
)


class SubjectSchema(Schema):
    id_number = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "18 or 15 characters; a 15-digit form is upgraded"},
    )
    name = fields.String(validate=validate.Length(min=1, max=64))
    birth_date = PartialDate()
    gender = one_of(GENDERS)

    @validates_schema
    def _needs_id_or_name(self, data: dict, **kwargs: object) -> None:
        if not data.get("id_number") and not data.get("name"):
            raise ValidationError("A subject needs an id_number or a name.", "id_number")


class DateWindowSchema(Schema):
    """`event_date_from` and `event_date_to`: a window that can hold records. One that ends
    before it starts, or starts after today, holds nothing: a search over it would answer
    "nothing found" about nothing, so it is refused rather than searched."""

    event_date_from = PartialDate()
    event_date_to = PartialDate()

    @validates_schema
    def _window_can_hold_records(self, data: dict, **kwargs: object) -> None:
        start, end = data.get("event_date_from"), data.get("event_date_to")
        if start and end and partial_dates.PartialDate.from_iso(start).start() > \
                partial_dates.PartialDate.from_iso(end).end():
            raise ValidationError(WINDOW_REVERSED, "event_date_to")
        if start and partial_dates.PartialDate.from_iso(start).start() > date.today():
            raise ValidationError(WINDOW_IN_FUTURE, "event_date_from")


WINDOW_REVERSED = "The window ends before it starts (event_date_to is before event_date_from)."
WINDOW_IN_FUTURE = "The window starts after today: no record can be in it."


class SearchRequestSchema(DateWindowSchema):
    subject = fields.Nested(SubjectSchema, required=True)
    record_types = fields.List(one_of(RECORD_TYPES), validate=validate.Length(min=1))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))
    request_id = fields.String(required=True, validate=validate.Length(min=1, max=100))


class MatchSchema(Schema):
    score = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    basis = fields.List(one_of(MATCH_BASES), required=True)


class MatchedRecordSchema(RecordSchema):
    match = fields.Nested(MatchSchema, required=True)


NAME_MATCHES = ("name_exact", "name_variant", "name_pinyin")


class NameFrequencySchema(Schema):
    """How common the subject's name is in this catalogue (counts, never names)."""

    name = fields.Integer(required=True, validate=validate.Range(min=0), metadata={
        "description": "parties whose normalized name is the subject's"})
    sound = fields.Integer(required=True, validate=validate.Range(min=0), metadata={
        "description": "parties whose name has the subject's pinyin key (homophones too)"})


class NamesakeSchema(Schema):
    """Another person (another valid id number) whose name sounds like the subject's: only
    what their id number implies, and how the name compares."""

    birth_date = PartialDate(allow_none=True)
    gender = one_of(GENDERS, required=True)
    region_code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))
    name_match = one_of(NAME_MATCHES, required=True)
    parties = fields.Integer(required=True, validate=validate.Range(min=1))


class NamesakesSchema(Schema):
    total = fields.Integer(required=True, validate=validate.Range(min=0), metadata={
        "description": "other people found; `persons` lists the nearest by birth date"})
    persons = fields.List(fields.Nested(NamesakeSchema), required=True)


class SearchAnswerSchema(Schema):
    archive = fields.Nested(ArchiveSchema, required=True)
    request_id = fields.String(required=True)
    records = fields.List(fields.Nested(MatchedRecordSchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "matches before truncation"})
    truncated = fields.Boolean(required=True)
    name_frequency = fields.Nested(NameFrequencySchema, metadata={
        "description": "standard 1.1: given when the subject has a name"})
    namesakes = fields.Nested(NamesakesSchema, metadata={
        "description": "standard 1.1: given when the subject has an id number and a name"})
    took_ms = fields.Float(required=True)


class JwkSchema(Schema):
    kty = fields.String(required=True)
    crv = fields.String(required=True)
    x = fields.String(required=True)
    kid = fields.String(required=True)
    use = fields.String()
    alg = fields.String()


class ServiceArchiveSchema(ArchiveSchema):
    region_code = fields.String(required=True)


class ServiceInfoSchema(Schema):
    archive = fields.Nested(ServiceArchiveSchema, required=True)
    standard_version = fields.String(required=True)
    record_types = fields.List(one_of(RECORD_TYPES), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    signing_keys = fields.List(fields.Nested(JwkSchema), required=True)


class LocatorSchema(Schema):
    """A node's record locator (schemas/locator.py): keyed hashes in a Bloom filter."""

    archive = fields.Nested(ArchiveSchema, required=True)
    format = fields.String(required=True)
    key_id = fields.String(required=True)  # which federation locator key hashed the keys
    built_at = fields.String(required=True)
    false_positive_rate = fields.Float(required=True)
    parties = fields.Integer(required=True)
    keys = fields.Integer(required=True)
    filter = fields.String(required=True)  # base64 of the rbloom filter


class ProblemSchema(Schema):
    """RFC 9457 problem details; `errors` carries field-level validation messages."""

    class Meta:
        unknown = INCLUDE  # RFC 9457 allows extension members

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict()
