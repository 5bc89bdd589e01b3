"""`GET /v1/records/<id>` asked of a hub by its upper hub: fetched from the archive that holds
it (the id's first six digits name it), and relayed with the archive's own signature and key
as evidence, as a search's records are (schemas/nesting.py: `RelayedRecordSchema`)."""

import orjson
import requests

from federation.config import HubSettings
from federation.errors import RecordNotFound, UpstreamFailed
from federation.registry import NodeEntry
from schemas.nesting import HUB_KIND
from schemas.records import RecordSchema
from schemas.signing import (
    SIGNATURE_HEADER,
    SignatureInvalid,
    mint_hub_token,
    public_jwk,
    verify_body,
)

MAX_RECORD_BYTES = 4 * 1024 * 1024
_RECORD = RecordSchema()


def relayed_record(settings: HubSettings, record_id: str, purpose: str) -> dict:
    """The record, fetched from its archive below this hub, with the archive's evidence."""
    code = record_id.split("/", 1)[0]
    node = next((n for n in settings.nodes if n.code == code and not n.is_hub), None)
    if node is None:
        raise RecordNotFound(f"No archive {code} answers directly below this hub: ask the "
                             f"hub it is under.")
    body, signature = _fetch(node, record_id, settings, purpose)
    try:
        signed = verify_body(signature, body, node.keys)
    except SignatureInvalid as exc:
        raise UpstreamFailed(f"archive {code} answered with a signature that does not "
                             f"verify: {exc}") from exc
    record = orjson.loads(body)
    if signed.archive != code or not isinstance(record, dict) or _RECORD.validate(record) \
            or record.get("record_id") != record_id:
        raise UpstreamFailed(f"archive {code} answered with something else than {record_id}")
    return {"kind": HUB_KIND, "record": record,
            "evidence": {"archive": {"code": node.code, "name": node.name},
                         "key": public_jwk(node.keys[signed.kid]), "body": body.decode("utf-8"),
                         "signature": signature, "via": []}}


def _fetch(node: NodeEntry, record_id: str, settings: HubSettings,
           purpose: str) -> tuple[bytes, str]:
    token = mint_hub_token(settings.signing_key, node.code, purpose)
    try:
        with requests.get(f"{node.url}/v1/records/{record_id}", stream=True,
                          headers={"Authorization": f"Bearer {token}"},
                          timeout=node.deadline_s or settings.node_deadline_s) as response:
            body = response.raw.read(MAX_RECORD_BYTES + 1, decode_content=True)
            status, signature = response.status_code, response.headers.get(SIGNATURE_HEADER)
    except requests.RequestException as exc:
        raise UpstreamFailed(f"archive {node.code} could not be reached: {exc}") from exc
    if status == 404:
        raise RecordNotFound(f"Archive {node.code} holds no record {record_id}.")
    if status != 200 or len(body) > MAX_RECORD_BYTES:
        raise UpstreamFailed(f"archive {node.code} answered HTTP {status}")
    return body, signature or ""
