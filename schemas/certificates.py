"""Schemas of the hub's certificate API."""

from marshmallow import Schema, fields, validate


class IssueRequestSchema(Schema):
    query_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    record_ids = fields.List(fields.String(), load_default=list, metadata={
        "description": "records of the query's answer to certify; empty: a no-record "
                       "certificate (无档案记载证明), only from a complete query"})
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))


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
    revoked_at = fields.DateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
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
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    deliveries = fields.Integer(required=True, metadata={
        "description": "how often a worker took the batch up (more than once: a worker "
                       "stopped and another carried on)"})
    error = fields.String(allow_none=True)
    counts = fields.Nested(BatchCountsSchema, required=True)
    items = fields.List(fields.Nested(BatchItemSchema), required=True)
