"""What a hub answers when it serves the node API v1 to an upper hub (docs/standard.md,
"A hub as a node").

A hub's search answer is a node's (`SearchAnswerSchema`: its own code and name, the request
id, the records) with three more members:
- `kind: "hub"`;
- `nodes`: every archive below it, with the status the hub got from it (`via`: the lower
  hubs between, nearest first, when there are more levels);
- `evidence`: for each archive that answered `ok`, its own answer as it came (`body`, the
  exact text), its `Liancha-Signature` over that text, and its public key. The upper hub
  takes records only from these bodies, after checking each signature: the hub's own
  signature covers the whole answer, so the upper hub trusts the keys the hub vouches for,
  and a certificate's evidence still says which archive said what.
"""

from marshmallow import Schema, fields, validate

from schemas.fields import one_of
from schemas.hub import NODE_STATUSES
from schemas.records import ArchiveSchema, RecordSchema
from schemas.search import JwkSchema, SearchAnswerSchema, ServiceInfoSchema

HUB_KIND = "hub"
DEADLINE_HEADER = "Liancha-Deadline-Ms"
"""Sent by a hub to a lower hub: the milliseconds its call may take. The lower hub keeps a
part of them to answer and gives its own archives the rest."""


class RelayedStatusSchema(Schema):
    archive = fields.Nested(ArchiveSchema, required=True)
    status = one_of(NODE_STATUSES, required=True)
    latency_ms = fields.Float(allow_none=True)
    count = fields.Integer(required=True, validate=validate.Range(min=0))
    error = fields.String(allow_none=True)
    via = fields.List(fields.Nested(ArchiveSchema), required=True)


class RelayedAnswerSchema(Schema):
    archive = fields.Nested(ArchiveSchema, required=True)
    key = fields.Nested(JwkSchema, required=True)
    body = fields.String(required=True, metadata={"description": "the archive's answer, "
                                                  "exactly the text it signed"})
    signature = fields.String(required=True, metadata={"description": "its Liancha-Signature"})
    via = fields.List(fields.Nested(ArchiveSchema), required=True)


class RelayedRecordSchema(Schema):
    """A hub's `GET /v1/records/<id>`: the record, and its archive's answer as evidence."""

    kind = one_of((HUB_KIND,), required=True)
    record = fields.Nested(RecordSchema, required=True)
    evidence = fields.Nested(RelayedAnswerSchema, required=True)


class HubSearchAnswerSchema(SearchAnswerSchema):
    kind = one_of((HUB_KIND,), required=True)
    nodes = fields.List(fields.Nested(RelayedStatusSchema), required=True)
    evidence = fields.List(fields.Nested(RelayedAnswerSchema), required=True)


class HubServiceInfoSchema(ServiceInfoSchema):
    kind = one_of((HUB_KIND,), required=True)
    archives = fields.List(fields.Nested(ArchiveSchema), required=True, metadata={
        "description": "the entries of this hub's nodes file (archives and lower hubs)"})


class HubLocatorSchema(Schema):
    """A hub's record locator, published to its upper hub: its archives' filters as a set
    (schemas/locator.py: SET_FORMAT)."""

    archive = fields.Nested(ArchiveSchema, required=True)
    format = fields.String(required=True)
    key_id = fields.String(required=True)
    built_at = fields.String(required=True)
    false_positive_rate = fields.Float(required=True, metadata={"description": "per filter"})
    parties = fields.Integer(required=True)
    keys = fields.Integer(required=True)
    filters = fields.List(fields.String(), required=True)
