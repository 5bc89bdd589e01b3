"""Schemas of the cross-archive request (跨馆查档申请) as every hub surface shows it."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.fields import RECORD_TYPES, one_of
from schemas.records import ArchiveSchema

ARCHIVE_CODE = fields.String(validate=validate.Regexp(r"^\d{6}$"))


def moment(**kwargs: object) -> fields.String:
    """A time or date as the request view gives it: an ISO 8601 string."""
    return fields.String(metadata={"format": "date-time"}, **kwargs)  # type: ignore[arg-type]

STATES = ("applied", "accepted", "completed", "refused")
ASSIST_STATES = ("pending", "found", "not_found", "refused")


class PersonNameSchema(Schema):
    id_number = fields.String(required=True, validate=validate.Length(min=15, max=18))
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ApplicantSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    id_number = fields.String(validate=validate.Length(min=15, max=18))
    relation = fields.String(required=True, validate=validate.Length(min=1, max=40),
                             metadata={"example": "self | child | spouse | lawyer"})


MAX_DOCUMENTS = 20  # an application's documents: an id card, a letter, a proof or two


class DocumentSchema(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=60),
                         metadata={"example": "id_card | letter_of_authorization | "
                                              "kinship_proof | court_order"})
    number = fields.String(validate=validate.Length(max=100))
    note = fields.String(validate=validate.Length(max=500))


class SelfApplicationSchema(Schema):
    """What a citizen (app) or a person at a kiosk sends: the subject is themselves."""

    holding_archives = fields.List(ARCHIVE_CODE, validate=validate.Length(min=1),
                                   metadata={"description": "archives asked to search; "
                                                            "default every other archive"})
    record_types = fields.List(one_of(RECORD_TYPES),
                               validate=validate.Length(min=1, max=len(RECORD_TYPES)))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))
    note = fields.String(validate=validate.Length(max=1000))


class SelfOrConfirmApplicationSchema(SelfApplicationSchema):
    """A person's request for themselves, or (with `query_id`) to confirm the records their
    query offered (`to_confirm`): then nothing else is needed."""

    query_id = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "one of the caller's queries whose `to_confirm` the holding "
                       "archives' clerks confirm or reject"})
    purpose = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "required unless `query_id` is given"})

    @validates_schema
    def _purpose_unless_confirming(self, data: dict, **kwargs: object) -> None:
        if not data.get("query_id") and not data.get("purpose"):
            raise ValidationError("Missing data for required field.", "purpose")


class OnBehalfApplicationSchema(SelfApplicationSchema):
    """What a counter clerk or the national platform sends: a named subject, who applies
    for them, and the documents that show the applicant may."""

    subject = fields.Nested(PersonNameSchema, required=True)
    applicant = fields.Nested(ApplicantSchema)
    documents = fields.List(fields.Nested(DocumentSchema), required=True,
                            validate=validate.Length(min=1, max=MAX_DOCUMENTS), metadata={
                                "description": f"1 to {MAX_DOCUMENTS} documents"})


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class HoldingArchiveSchema(ArchiveSchema):
    state = one_of(ASSIST_STATES, required=True)
    state_label = fields.String(required=True)
    answered_at = moment(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    query_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class RequestEventSchema(Schema):
    at = moment(required=True)
    actor = fields.String(required=True)
    role = fields.String(required=True)
    action = fields.String(required=True)
    archive = fields.String(allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(required=True)
    reason = fields.String(allow_none=True)


class RequestSchema(Schema):
    request_no = fields.String(required=True, metadata={"example": "SQ510500-2026-00012"})
    channel = fields.String(required=True, metadata={"description": "counter | kiosk | app "
                                                                    "| national"})
    state = one_of(STATES, required=True)
    state_label = fields.String(required=True)
    subject = fields.Nested(PersonNameSchema, required=True)
    applicant = fields.Dict(required=True)
    documents = fields.List(fields.Dict(), required=True)
    record_types = fields.List(fields.String(), required=True)
    purpose = fields.String(required=True)
    note = fields.String(allow_none=True)
    receiving_archive = fields.Nested(ArchiveSchema, required=True)
    applied_at = moment(required=True)
    accept_due = fields.String(required=True, metadata={"format": "date",
                                                         "description": "2 working days"})
    accepted_at = moment(allow_none=True)
    assist_due = fields.String(allow_none=True, metadata={"format": "date",
                                                         "description": "4 working days"})
    closed_at = moment(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    certificate_nos = fields.List(fields.String(), required=True)
    overdue = fields.Boolean(required=True)
    holding_archives = fields.List(fields.Nested(HoldingArchiveSchema), required=True)
    events = fields.List(fields.Nested(RequestEventSchema), required=True)
    client_id = fields.String(allow_none=True)
    idempotency_key = fields.String(allow_none=True)
    to_confirm = fields.Boolean(metadata={
        "description": "a request to confirm records a citizen's query offered: each holding "
                       "archive confirms or rejects its candidates (GET .../candidates)"})
