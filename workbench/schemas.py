"""Bodies and arguments of the clerk workbench API (the request itself is
`schemas.casework.RequestSchema`)."""

from marshmallow import Schema, fields, validate

from federation.identity import CLERK_ROLES
from schemas.casework import STATES
from schemas.fields import Moment, one_of


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000),
                             load_only=True)
    archive = fields.String(validate=validate.Regexp(r"^\d{6}$"), metadata={
        "description": "the archive to work at; needed when the clerk has roles at several"})


class ClerkTokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "Bearer token (EdDSA JWT)"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    archive = fields.String(required=True)
    roles = fields.List(one_of(CLERK_ROLES), required=True)


class StateArgsSchema(Schema):
    state = one_of(STATES)


class OverdueArgsSchema(Schema):
    as_of = fields.Date(metadata={"description": "the day to count from (default today): "
                                                 "what is late on that day"})


class AcceptSchema(Schema):
    reason = fields.String(validate=validate.Length(max=1000))


class AssistSchema(Schema):
    outcome = one_of(("found", "not_found"), required=True)
    query_id = fields.String(validate=validate.Length(min=1, max=32), metadata={
        "description": "the search made for this request (found: required)"})
    record_ids = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                             metadata={"description": "records of that search held here "
                                                      "(found: required)"})
    note = fields.String(validate=validate.Length(max=1000))


class CompleteSchema(Schema):
    query_id = fields.String(validate=validate.Length(min=1, max=32), metadata={
        "description": "when no archive found a record: the search of every archive asked, "
                       "for the no-record certificate"})
    note = fields.String(validate=validate.Length(max=1000))


class ReasonWeighedSchema(Schema):
    kind = fields.String(required=True, metadata={"example": "birth_month"})
    weight = fields.Raw(required=True, metadata={
        "description": "log10 of the likelihood ratio; \"+inf\"/\"-inf\" when decisive"})
    side = one_of(("for", "against"), required=True)
    text = fields.String(required=True, metadata={
        "example": "出生日期1952-03与身份证号所示一致（至月）"})


class CandidateDecisionSchema(Schema):
    decision = one_of(("confirmed", "rejected"), required=True)
    decided_at = Moment(required=True)
    archive_code = fields.String(required=True)
    note = fields.String(allow_none=True)


class CandidateSchema(Schema):
    """A record the request asks this archive to confirm as its subject's."""

    record_id = fields.String(required=True)
    party = fields.Integer(required=True, metadata={"description": "the party's position"})
    role = fields.String(required=True)
    archive_code = fields.String(required=True)
    odds = fields.Float(allow_none=True, metadata={
        "description": "log10 odds that the party is the subject (3: a thousand to one)"})
    reasons_for = fields.List(fields.Nested(ReasonWeighedSchema), required=True)
    reasons_against = fields.List(fields.Nested(ReasonWeighedSchema), required=True)
    record = fields.Dict(allow_none=True, metadata={
        "description": "the record as the archive's signed answer gave it"})
    decision = fields.Nested(CandidateDecisionSchema, allow_none=True)


class DecideSchema(Schema):
    record_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    party = fields.Integer(required=True, validate=validate.Range(min=0, max=99))
    decision = one_of(("confirmed", "rejected"), required=True)
    note = fields.String(validate=validate.Length(max=1000))


class ReminderSchema(Schema):
    request_no = fields.String(required=True)
    stage = one_of(("accept", "assist"), required=True, metadata={
        "description": "the step the archive owes: accept (受理) or assist (协办, its search)"})
    stage_label = fields.String(required=True)
    kind = one_of(("due_soon", "overdue"), required=True, metadata={
        "description": "due_soon: due by the next working day; overdue: past its due date"})
    due = fields.Date(required=True)
    reminded_at = Moment(required=True)
