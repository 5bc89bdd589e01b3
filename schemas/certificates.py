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
