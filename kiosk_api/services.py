"""What a person does at a kiosk, on top of the hub's services: see their own records
masked for a public hall, print this archive's, ask for the others across archives."""

import copy
from datetime import date

from sqlalchemy.orm import Session

from accounts.models import KioskDevice
from casework.confirmations import apply_to_confirm
from casework.services import apply_request
from certificates.issuing import issue_for_self
from certificates.models import Certificate
from certificates.tokens import Keyring, mask_id_number, mask_name
from certificates.wording import RECORD_TYPE_WORDS, record_summary
from federation.config import HubSettings
from federation.fanout import FanOut
from federation.identity import Identity
from federation.services.queries import run_query
from runtime.errors import PermissionDenied

ELSEWHERE = ("这份档案不由本馆保存，本机不能打印；请选择「申请跨馆调档」，"
             "由保存档案的档案馆协助出具证明。")


def masked_person(identity: Identity) -> dict:
    return {"name": mask_name(identity.name or "?"),
            "id_number": mask_id_number(identity.id_number or "?")}


def device_view(settings: HubSettings, device: KioskDevice) -> dict:
    return {"device_id": device.device_id, "location": device.location,
            "archive": _archive(settings, device.archive_code)}


def my_records(session: Session, settings: HubSettings, fanout: FanOut, identity: Identity,
               body: dict) -> dict:
    """The person's own records across archives (the subject is the card's holder)."""
    asked = {"purpose": body["purpose"]}
    if body.get("record_types"):
        asked["record_types"] = body["record_types"]
    answer = run_query(session, settings, fanout, identity, asked)
    return records_view(answer, identity)


def records_view(answer: dict, identity: Identity) -> dict:
    """A query's answer as a kiosk screen shows it: no id numbers, no persons list, other
    parties' names masked, and where each record can be had."""
    own: dict[str, set[int]] = {}
    for person in answer["persons"]:
        if person["is_subject"]:
            for ref in person["records"]:
                own.setdefault(ref["record_id"], set()).add(ref.get("party", -1))
    return {
        "query_id": answer["query_id"],
        "complete": answer["complete"],
        "person": masked_person(identity),
        # this archive's records first: they are what the person can take away now
        "records": sorted((_record_view(record, own.get(record["record_id"], set()),
                                        identity.archive) for record in answer["records"]),
                          key=lambda shown: not shown["held_here"]),
        "archives": [{**node["archive"], "answered": node["status"] == "ok"}
                     for node in answer["nodes"]],
        "to_confirm": answer.get("to_confirm") or [],
        "to_confirm_notice": answer.get("to_confirm_notice"),
    }


def print_certificate(session: Session, settings: HubSettings, keyring: Keyring,
                      identity: Identity, body: dict) -> Certificate:
    """Issue the person's certificate in this kiosk's archive's name."""
    try:
        issued = issue_for_self(session, settings, keyring, identity, body)
    except PermissionDenied as exc:  # a record held elsewhere: say what to do instead
        raise PermissionDenied(exc.detail, zh=ELSEWHERE) from exc
    return issued.certificate


def certificate_view(settings: HubSettings, certificate: Certificate, pdf_url: str) -> dict:
    return {"certificate_no": certificate.certificate_no,
            "display_no": certificate.display_no,
            "archive": _archive(settings, certificate.archive_code),
            "issued_on": certificate.issued_on, "pdf_url": pdf_url}


def apply_across_archives(session: Session, settings: HubSettings, identity: Identity,
                          body: dict) -> dict:
    """A cross-archive request received by this kiosk's archive (where the result is
    handed out); answered without the subject's id number."""
    filed = apply_to_confirm(session, settings, identity, body) if body.get("query_id") \
        else apply_request(session, settings, settings.calendar, identity, body)
    return {"request_no": filed["request_no"], "state_label": filed["state_label"],
            "accept_due": date.fromisoformat(filed["accept_due"]),
            "receiving_archive": filed["receiving_archive"],
            "holding_archives": [{"code": a["code"], "name": a["name"]}
                                 for a in filed["holding_archives"]],
            "record_types": filed["record_types"], "purpose": filed["purpose"]}


def _record_view(record: dict, own_parties: set[int], kiosk_archive: str | None) -> dict:
    shown = copy.deepcopy(record)
    for index, party in enumerate(shown["parties"]):
        if index not in own_parties:  # the person sees their own name as written
            party["name_raw"] = mask_name(party.get("name_raw") or party.get("name") or "?")
            party["name"] = mask_name(party.get("name") or "?")
    return {
        "record_id": record["record_id"],
        "record_type": record["record_type"],
        "record_type_label": RECORD_TYPE_WORDS.get(record["record_type"],
                                                   record["record_type"]),
        "archive": record["archive"],
        "event_date": record.get("event_date"),
        "summary": record_summary(shown),
        "held_here": record["archive"]["code"] == kiosk_archive,
    }


def _archive(settings: HubSettings, code: str) -> dict:
    name = next((node.name for node in settings.nodes if node.code == code), code)
    return {"code": code, "name": name}
