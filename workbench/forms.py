"""The workbench's HTML forms read into the bodies the casework services take, validated
by the same schemas as the API (so a page can file nothing the API would refuse)."""

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from runtime.errors import InvalidInput
from schemas.casework import OnBehalfApplicationSchema, ReasonSchema
from schemas.http import flatten_errors
from workbench.schemas import AcceptSchema, AssistSchema, CompleteSchema, DecideSchema

DOCUMENT_ROWS = 3  # the counter form's document lines


def text(form: MultiDict, name: str) -> str | None:
    value = (form.get(name) or "").strip()
    return value or None


def application(form: MultiDict) -> dict:
    """The counter application form (窗口受理新申请)."""
    documents = []
    for row in range(DOCUMENT_ROWS):
        kind = text(form, f"document_{row}_kind")
        number, note = text(form, f"document_{row}_number"), text(form, f"document_{row}_note")
        if kind or number or note:  # a number or note without a kind is "other"
            kind = kind or "other"
            documents.append(_present({"kind": kind, "number": number, "note": note}))
    applicant = _present({"name": text(form, "applicant_name"),
                          "id_number": text(form, "applicant_id_number"),
                          "relation": text(form, "applicant_relation")})
    if applicant.get("relation") == "self" and "name" not in applicant:
        applicant = {}  # the subject applies in person: the service records them as such
    body = _present({
        "subject": {"name": text(form, "subject_name") or "",
                    "id_number": text(form, "subject_id_number") or ""},
        "applicant": applicant or None,
        "documents": documents,
        "purpose": text(form, "purpose") or "",
        "record_types": form.getlist("record_types") or None,
        "holding_archives": form.getlist("holding_archives") or None,
        "note": text(form, "note"),
    })
    return _load(OnBehalfApplicationSchema(), body)


def assist(form: MultiDict) -> dict:
    """协办: found (the checked records of the search) or not found."""
    return _load(AssistSchema(), _present({
        "outcome": text(form, "outcome") or "", "query_id": text(form, "query_id"),
        "record_ids": form.getlist("record_ids") or None, "note": text(form, "note")}))


def decision(form: MultiDict) -> dict:
    """确认属于 / 不属于: one candidate record of a request to confirm."""
    party = text(form, "party")
    return _load(DecideSchema(), _present({
        "record_id": text(form, "record_id"), "party": int(party) if party and
        party.isdigit() else party, "decision": text(form, "decision"),
        "note": text(form, "note")}))


def acceptance(form: MultiDict) -> dict:
    return _load(AcceptSchema(), _present({"reason": text(form, "reason")}))


def refusal(form: MultiDict) -> dict:
    """不予受理 / 不予办理 / 不予协办: the reason is required."""
    return _load(ReasonSchema(), _present({"reason": text(form, "reason")}))


def completion(form: MultiDict) -> dict:
    return _load(CompleteSchema(), _present({"query_id": text(form, "query_id"),
                                             "note": text(form, "note")}))


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, [], {})}


def _load(schema: Schema, body: dict) -> dict:
    try:
        return schema.load(body)
    except ValidationError as exc:
        raise InvalidInput(flatten_errors(exc.messages)) from exc
