"""Marshmallow schemas of the record envelope and the four record types' details."""

from marshmallow import Schema, fields, validate

from schemas.fields import (
    ACCESS_LEVELS,
    ARCHIVE_CODE,
    GENDERS,
    RECORD_TYPES,
    PartialDate,
    id_number_field,
    one_of,
)

ROLES = {
    "marriage": ("husband", "wife"),
    "forestry_right": ("holder",),
    "sent_down_youth": ("youth",),
    "employment": ("worker",),
}


class ArchiveSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(ARCHIVE_CODE))
    name = fields.String(required=True)


class ReferenceSchema(Schema):
    fonds_no = fields.String(allow_none=True, metadata={"description": "全宗号"})
    catalog_no = fields.String(allow_none=True, metadata={"description": "目录号"})
    file_no = fields.String(allow_none=True, metadata={"description": "档号"})
    item_no = fields.String(allow_none=True)
    pages = fields.Integer(allow_none=True, validate=validate.Range(min=0))


class PartySchema(Schema):
    role = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "normalized name"})
    name_raw = fields.String(required=True, metadata={"description": "as written"})
    id_number = id_number_field(allow_none=True)
    id_number_raw = fields.String(allow_none=True)
    id_number_valid = fields.Boolean(allow_none=True)
    gender = one_of(GENDERS, load_default="U")
    birth_date = PartialDate(allow_none=True)
    native_place = fields.String(allow_none=True)


class MarriageDetails(Schema):
    registration_kind = one_of(("marriage", "divorce", "remarriage"), required=True)
    certificate_no = fields.String(allow_none=True)
    registry_office = fields.String(allow_none=True)


class LocationSchema(Schema):
    township = fields.String(allow_none=True)
    village = fields.String(allow_none=True)
    plot_no = fields.String(allow_none=True)


class BoundariesSchema(Schema):
    east = fields.String(allow_none=True)
    south = fields.String(allow_none=True)
    west = fields.String(allow_none=True)
    north = fields.String(allow_none=True)


class ForestryRightDetails(Schema):
    certificate_no = fields.String(allow_none=True)
    location = fields.Nested(LocationSchema, required=True)
    area_mu = fields.Float(allow_none=True, validate=validate.Range(min=0))
    forest_type = fields.String(allow_none=True)
    species = fields.String(allow_none=True)
    right_kind = one_of(("ownership", "use", "contract"), allow_none=True)
    term_start = PartialDate(allow_none=True)
    term_end = PartialDate(allow_none=True)
    boundaries = fields.Nested(BoundariesSchema, required=True)


class DestinationSchema(Schema):
    county = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    brigade = fields.String(allow_none=True)
    team = fields.String(allow_none=True)


class SentDownYouthDetails(Schema):
    origin_unit = fields.String(allow_none=True)
    dispatch_date = PartialDate(allow_none=True)
    destination = fields.Nested(DestinationSchema, required=True)
    return_date = PartialDate(allow_none=True)
    return_reason = one_of(
        ("recruitment", "enrollment", "illness", "replacement", "other"), allow_none=True
    )


class EmploymentDetails(Schema):
    employer = fields.String(allow_none=True)
    recruitment_kind = one_of(
        ("state_owned", "collective", "replacement", "transfer"), allow_none=True
    )
    approval_doc_no = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    prior_status = fields.String(allow_none=True)


DETAILS_SCHEMAS: dict[str, type[Schema]] = {
    "marriage": MarriageDetails,
    "forestry_right": ForestryRightDetails,
    "sent_down_youth": SentDownYouthDetails,
    "employment": EmploymentDetails,
}


class RecordSchema(Schema):
    """The envelope, the same for every type; `details` follow the type's own schema."""

    record_id = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{6}/(marriage|forestry_right|sent_down_youth|employment)/.+$"),
        metadata={"description": "<archive_code>/<record_type>/<local_id>, stable forever"},
    )
    record_type = one_of(RECORD_TYPES, required=True)
    archive = fields.Nested(ArchiveSchema, required=True)
    reference = fields.Nested(ReferenceSchema, required=True)
    event_date = PartialDate(allow_none=True)
    parties = fields.List(fields.Nested(PartySchema), required=True)
    details = fields.Dict(
        required=True, metadata={"description": "the record type's own fields (see *Details)"}
    )
    access = one_of(ACCESS_LEVELS, required=True)
    digitized_pages = fields.Integer(allow_none=True, validate=validate.Range(min=0))


def validate_record(document: dict) -> dict[str, list[str] | dict]:
    """All problems of one record document, envelope and details together (empty if valid)."""
    errors: dict = dict(RecordSchema().validate(document))
    record_type = document.get("record_type")
    if record_type in DETAILS_SCHEMAS:
        detail_errors = DETAILS_SCHEMAS[record_type]().validate(document.get("details") or {})
        if detail_errors:
            errors["details"] = detail_errors
        allowed = ROLES[record_type]
        for index, party in enumerate(document.get("parties") or []):
            if isinstance(party, dict) and party.get("role") not in allowed:
                errors.setdefault("parties", {})[index] = {
                    "role": [f"Must be one of: {', '.join(allowed)}."]
                }
    return errors
