"""What the kiosk API takes and answers. Answers are shown on a screen in a public hall:
id numbers are masked everywhere and other people's names partly."""

from marshmallow import Schema, fields, validate

from schemas.fields import RECORD_TYPES, one_of
from schemas.hub import ToConfirmSchema
from schemas.records import ArchiveSchema


class CardAssertionSchema(Schema):
    assertion = fields.String(required=True, validate=validate.Length(min=1, max=8000),
                              metadata={"description": "the card read, as an EdDSA JWT the "
                                                       "device signs (aud liancha-hub/kiosk, "
                                                       "claims id_number and name)"})


class MaskedPersonSchema(Schema):
    name = fields.String(required=True, metadata={"example": "张*华"})
    id_number = fields.String(required=True, metadata={"example": "5105**********0011"})


class DeviceSchema(Schema):
    device_id = fields.String(required=True)
    location = fields.String(required=True)
    archive = fields.Nested(ArchiveSchema, required=True)


class SessionStatusSchema(Schema):
    expires_in_idle_s = fields.Float(required=True, metadata={
        "description": "the session ends after this long without a call"})
    person = fields.Nested(MaskedPersonSchema, required=True)
    device = fields.Nested(DeviceSchema, required=True)


class OpenedSessionSchema(SessionStatusSchema):
    session_token = fields.String(required=True, metadata={
        "description": "send as `Authorization: Bearer <token>`; shown once"})


class RecordsRequestSchema(Schema):
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))
    record_types = fields.List(one_of(RECORD_TYPES), validate=validate.Length(min=1))


class KioskRecordSchema(Schema):
    record_id = fields.String(required=True)
    record_type = fields.String(required=True)
    record_type_label = fields.String(required=True, metadata={"example": "婚姻"})
    archive = fields.Nested(ArchiveSchema, required=True)
    event_date = fields.String(allow_none=True)
    summary = fields.String(required=True, metadata={
        "description": "key details; other parties' names masked"})
    held_here = fields.Boolean(required=True, metadata={
        "description": "held by this kiosk's archive: printable here; otherwise a "
                       "cross-archive request"})


class ArchiveAnswerSchema(ArchiveSchema):
    answered = fields.Boolean(required=True)


class KioskRecordsSchema(Schema):
    query_id = fields.String(required=True)
    complete = fields.Boolean(required=True)
    person = fields.Nested(MaskedPersonSchema, required=True)
    records = fields.List(fields.Nested(KioskRecordSchema), required=True)
    archives = fields.List(fields.Nested(ArchiveAnswerSchema), required=True)
    to_confirm = fields.List(fields.Nested(ToConfirmSchema), required=True, metadata={
        "description": "archives holding records that may be the person's: a clerk "
                       "confirms them (POST /kiosk/api/v1/requests with this query_id)"})
    to_confirm_notice = fields.String(allow_none=True)


class KioskIssueSchema(Schema):
    query_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    record_ids = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                             required=True, validate=validate.Length(min=1, max=50))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))


class KioskCertificateSchema(Schema):
    certificate_no = fields.String(required=True)
    display_no = fields.String(required=True, metadata={"example": "泸档证〔2026〕第000001号"})
    archive = fields.Nested(ArchiveSchema, required=True)
    issued_on = fields.Date(required=True)
    pdf_url = fields.String(required=True, metadata={"description": "session-authenticated"})


class KioskRequestSchema(Schema):
    request_no = fields.String(required=True, metadata={"example": "SQ510500-2026-00012"})
    state_label = fields.String(required=True)
    accept_due = fields.Date(required=True, metadata={
        "description": "the receiving archive answers within 2 working days"})
    receiving_archive = fields.Nested(ArchiveSchema, required=True)
    holding_archives = fields.List(fields.Nested(ArchiveSchema), required=True)
    record_types = fields.List(fields.String(), required=True)
    purpose = fields.String(required=True)
