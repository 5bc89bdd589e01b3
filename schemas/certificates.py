"""Schemas of the hub's certificate API."""

from marshmallow import Schema, fields, validate

from schemas.fields import Moment

NO_RECORD_PATH = ("List the records to certify. A no-record certificate (无档案记载证明) is "
                  "issued only when the receiving archive completes a cross-archive request "
                  "(POST /clerk/api/v1/requests/<no>/complete), from a search of every "
                  "archive of the request.")


class IssueRequestSchema(Schema):
    query_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    record_ids = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                             required=True, error_messages={"required": NO_RECORD_PATH},
                             validate=validate.Length(min=1, max=200, error=NO_RECORD_PATH),
                             metadata={"description": "records of the query's answer to "
                                                      "certify (at least one)"})
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ScopeSchema(Schema):
    """What the search behind a certificate covered."""

    record_types = fields.List(fields.String(), required=True)
    event_date_from = fields.String(allow_none=True)
    event_date_to = fields.String(allow_none=True)
    text = fields.String(required=True, metadata={
        "example": "馆藏婚姻登记档案（1970年以来）",
        "description": "as the certificate words it; 馆藏档案: every type, any year"})


class RevokeRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CertificateSchema(Schema):
    certificate_no = fields.String(required=True, metadata={"example": "510500-2026-123"})
    display_no = fields.String(required=True, metadata={"example": "泸档证〔2026〕第000123号"})
    kind = fields.String(required=True, metadata={"description": "records | no_record"})
    archive_code = fields.String(required=True)
    archive_name = fields.String(required=True)
    query_id = fields.String(required=True)
    holder_masked = fields.String(required=True)
    purpose = fields.String(required=True)
    issued_on = fields.Date(required=True)
    status = fields.String(required=True, metadata={"description": "valid | revoked"})
    revoked_at = Moment(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    scope = fields.Nested(ScopeSchema, allow_none=True, metadata={
        "description": "what the search behind it covered (null: issued before scopes were "
                       "stated)"})
    verify_url = fields.String(required=True)
    pdf_url = fields.String(required=True)


class BatchRequestSchema(Schema):
    items = fields.List(fields.Nested(IssueRequestSchema), required=True,
                        validate=validate.Length(min=1, max=200), metadata={
                            "description": "one certificate each, checked as a single issue "
                                           "is; all are issued in the clerk's archive's name"})


class BatchItemSchema(Schema):
    position = fields.Integer(required=True)
    query_id = fields.String(required=True)
    record_ids = fields.List(fields.String(), required=True)
    purpose = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "queued | issued | failed"})
    certificate_no = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why it was not issued"})


class BatchCountsSchema(Schema):
    queued = fields.Integer(required=True)
    issued = fields.Integer(required=True)
    failed = fields.Integer(required=True)


class BatchSchema(Schema):
    batch_id = fields.String(required=True)
    state = fields.String(required=True, metadata={
        "description": "queued | running | done | failed (given up: see error)"})
    archive_code = fields.String(required=True)
    created_at = Moment(required=True)
    started_at = Moment(allow_none=True)
    finished_at = Moment(allow_none=True)
    deliveries = fields.Integer(required=True, metadata={
        "description": "how often a worker took the batch up (more than once: a worker "
                       "stopped and another carried on)"})
    error = fields.String(allow_none=True)
    counts = fields.Nested(BatchCountsSchema, required=True)
    items = fields.List(fields.Nested(BatchItemSchema), required=True)
