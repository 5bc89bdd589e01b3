"""Schemas of the app API: what a citizen sends and what the app is shown.

The inputs are the hub's own with the subject taken out (it is the caller, from the token:
a body naming one is refused, not ignored); the outputs reuse the hub's query answer and
certificate entry, and show a request as its progress with the staff's names left out.
"""

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from mobile_api.wording import SUBJECT_FROM_TOKEN
from schemas.casework import HoldingArchiveSchema, SelfOrConfirmApplicationSchema
from schemas.certificates import CertificateSchema
from schemas.fields import RECORD_TYPES, Moment
from schemas.hub import QueryRequestSchema
from schemas.records import ArchiveSchema

STEPS = ("apply", "accept", "assist", "complete")
STEP_STATES = ("done", "current", "waiting", "refused", "skipped")


class SubjectFromToken(Schema):
    """Refuses a `subject` in the body with a sentence saying why, rather than the bare
    "unknown field" (the app's developers, and through them people, should understand)."""

    @pre_load
    def refuse_subject(self, data: object, **_: object) -> object:
        if isinstance(data, dict) and "subject" in data:
            raise ValidationError(SUBJECT_FROM_TOKEN, "subject")
        return data


class MyQuerySchema(SubjectFromToken, QueryRequestSchema):
    """A query about oneself, in every archive of the federation."""

    class Meta:
        exclude = ("subject", "archives")


class MyCertificateRequestSchema(SubjectFromToken):
    query_id = fields.String(required=True, validate=validate.Length(min=1, max=32),
                             metadata={"description": "one of my queries"})
    record_ids = fields.List(fields.String(), required=True, validate=validate.Length(
        min=1, error="请至少选择一条档案记录。"), metadata={
        "description": "records of that query's answer, all held by one archive (each "
                       "archive certifies its own records)"})
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MyApplicationSchema(SubjectFromToken, SelfOrConfirmApplicationSchema):
    """A cross-archive request for oneself: which archive receives it (where the result is
    handed out), and optionally which archives search (default: every other one). With
    `query_id` alone: a request to confirm the records that query offered (`to_confirm`)."""

    receiving_archive = fields.String(validate=validate.Regexp(
        r"^\d{6}$", error="请从档案馆列表中选择受理档案馆。"), metadata={
        "description": "code of the receiving archive (GET /mobile/api/v1/archives); "
                       "required unless `query_id` is given (then: the archive holding most "
                       "of the records to confirm)",
        "example": "510500"})

    @validates_schema
    def _receiving_unless_confirming(self, data: dict, **kwargs: object) -> None:
        if not data.get("query_id") and not data.get("receiving_archive"):
            raise ValidationError("请从档案馆列表中选择受理档案馆。", "receiving_archive")


class CertifiedRecordSchema(Schema):
    record_id = fields.String(required=True)
    record_type = fields.String(required=True)
    holding_archive = fields.String(required=True)
    file_no = fields.String(allow_none=True, metadata={"description": "档号"})
    summary = fields.String(required=True, metadata={"description": "as the PDF lists it"})


class MyCertificateSchema(CertificateSchema):
    """The registry entry, with the records it certifies; `pdf_url` is the app's download."""

    class Meta:
        exclude = ("query_id",)  # a holding archive's query, which the citizen cannot open

    records = fields.List(fields.Nested(CertifiedRecordSchema), required=True)


class ArchiveChoiceSchema(ArchiveSchema):
    record_types = fields.List(fields.String(validate=validate.OneOf(RECORD_TYPES)),
                               required=True, metadata={"description": "what it holds"})


class StepSchema(Schema):
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    label = fields.String(required=True, metadata={"example": "受理"})
    state = fields.String(required=True, validate=validate.OneOf(STEP_STATES))
    at = Moment(allow_none=True, metadata={"description": "when it was done"})
    due = fields.Date(allow_none=True, metadata={"description": "deadline, in working days"})


class HoldingPartSchema(HoldingArchiveSchema):
    answered_at = Moment(allow_none=True)  # `progress` gives datetimes, as elsewhere

    class Meta:
        exclude = ("query_id",)


class ProgressEventSchema(Schema):
    at = Moment(required=True)
    action = fields.String(required=True, metadata={
        "description": "apply | accept | assist | decline | complete | refuse"})
    action_label = fields.String(required=True, metadata={"example": "受理"})
    actor = fields.String(required=True, metadata={
        "description": "本人, the archive's name, or the platform's: never a clerk's name",
        "example": "泸州市档案馆"})
    archive = fields.Nested(ArchiveSchema, allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(required=True)
    reason = fields.String(allow_none=True)


class RequestApplicantSchema(Schema):
    name = fields.String(required=True)
    relation = fields.String(required=True, metadata={"example": "self | child | spouse"})


class RequestSummarySchema(Schema):
    request_no = fields.String(required=True, metadata={"example": "SQ510500-2026-00012"})
    channel = fields.String(required=True, metadata={"description": "counter | kiosk | app "
                                                                    "| national"})
    state = fields.String(required=True)
    state_label = fields.String(required=True, metadata={"example": "已受理，协办中"})
    purpose = fields.String(required=True)
    receiving_archive = fields.Nested(ArchiveSchema, required=True)
    applied_at = Moment(required=True)
    closed_at = Moment(allow_none=True)
    overdue = fields.Boolean(required=True)
    certificate_nos = fields.List(fields.String(), required=True)


class RequestProgressSchema(RequestSummarySchema):
    """Where a request is: its four steps with their deadlines, each holding archive's
    answer, and its history."""

    record_types = fields.List(fields.String(), required=True)
    note = fields.String(allow_none=True)
    applicant = fields.Nested(RequestApplicantSchema, required=True)
    accept_due = fields.Date(required=True, metadata={"description": "2 working days"})
    accepted_at = Moment(allow_none=True)
    assist_due = fields.Date(allow_none=True, metadata={"description": "4 working days"})
    refusal_reason = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    holding_archives = fields.List(fields.Nested(HoldingPartSchema), required=True)
    events = fields.List(fields.Nested(ProgressEventSchema), required=True)
