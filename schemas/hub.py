"""Schemas of the hub query API (standard.md, "Hub query API, v1")."""

from marshmallow import Schema, fields, validate

from schemas.fields import RECORD_TYPES, Moment, one_of
from schemas.records import ArchiveSchema
from schemas.search import DateWindowSchema, MatchedRecordSchema, SubjectSchema

NODE_STATUSES = ("ok", "timeout", "error", "unavailable", "skipped", "not_held")


class QueryRequestSchema(DateWindowSchema):
    subject = fields.Nested(SubjectSchema, metadata={
        "description": "required for clerks; a citizen's subject comes from their token"})
    record_types = fields.List(one_of(RECORD_TYPES), validate=validate.Length(min=1))
    archives = fields.List(fields.String(validate=validate.Regexp(r"^\d{6}$")),
                           validate=validate.Length(min=1),
                           metadata={"description": "archive codes in scope; default all"})
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))


class NodeStatusSchema(Schema):
    archive = fields.Nested(ArchiveSchema, required=True)
    status = one_of(NODE_STATUSES, required=True)
    latency_ms = fields.Float(allow_none=True)
    count = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    hedged = fields.Boolean()
    cached = fields.Boolean(metadata={"description": "answered from the hub's short cache of "
                                                     "this node's signed answers"})
    original_latency_ms = fields.Float(allow_none=True, metadata={
        "description": "when cached: the node's latency when it answered"})
    via = fields.List(fields.Nested(ArchiveSchema), metadata={
        "description": "an archive below a lower hub: the hubs it was reached through"})
    kind = one_of(("hub",), metadata={
        "description": "a lower hub that gave no answer for its archives"})


class PersonRecordSchema(Schema):
    record_id = fields.String(required=True)
    role = fields.String(required=True)
    party = fields.Integer(metadata={"description": "the party's position in the record"})
    confidence = fields.Float(metadata={"description": "how surely this party is the person"})


class PersonSchema(Schema):
    person_id = fields.String(required=True)
    records = fields.List(fields.Nested(PersonRecordSchema), required=True)
    names = fields.List(fields.String(), required=True)
    id_number = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    confidence = fields.Float(required=True)
    explanation = fields.List(fields.String(), required=True)
    is_subject = fields.Boolean(required=True)
    subject_confidence = fields.Float(required=True)


class ToConfirmSchema(Schema):
    """Where records are that may be the citizen's but are not sure enough to show: the
    archive and how many, never their contents."""

    archive = fields.Nested(ArchiveSchema, required=True)
    count = fields.Integer(required=True, validate=validate.Range(min=1))


class QueryAnswerSchema(Schema):
    query_id = fields.String(required=True)
    complete = fields.Boolean(required=True, metadata={
        "description": "true only when every archive in scope answered ok"})
    persons = fields.List(fields.Nested(PersonSchema), required=True)
    records = fields.List(fields.Nested(MatchedRecordSchema), required=True)
    nodes = fields.List(fields.Nested(NodeStatusSchema), required=True)
    to_confirm = fields.List(fields.Nested(ToConfirmSchema), metadata={
        "description": "a citizen's (app, kiosk) answer only: archives holding records that "
                       "may be theirs, for a clerk to confirm (POST .../requests with this "
                       "query_id)"})
    to_confirm_notice = fields.String(allow_none=True, metadata={
        "description": "what to tell the person when `to_confirm` is not empty (Chinese)",
        "example": "在以下档案馆还有可能属于您的档案，需要工作人员核实"})
    took_ms = fields.Float(required=True)


class NodeHealthSchema(Schema):
    archive = fields.Nested(ArchiveSchema, required=True)
    status = one_of(("up", "down", "unknown"), required=True, metadata={
        "description": "what the last scheduled probe found (unknown: not probed yet)"})
    checked_at = Moment(allow_none=True)
    since = Moment(allow_none=True, metadata={"description": "in this status since"})
    last_up_at = Moment(allow_none=True)
    latency_ms = fields.Float(allow_none=True)
    error = fields.String(allow_none=True)
    standard_version = fields.String(allow_none=True)
    records = fields.Integer(allow_none=True, metadata={"description": "as the node counts"})
    circuit = one_of(("closed", "open", "half-open"), required=True, metadata={
        "description": "the hub's circuit breaker for this node now"})
