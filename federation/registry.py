"""The nodes a hub asks: read once from the nodes file (YAML).

    nodes:
      - code: "510500"
        name: 泸州市档案馆
        url: http://127.0.0.1:8101
        public_key: keys/510500/public.pem   # relative to the nodes file
        record_types: [marriage, employment]  # optional: what the archive holds
        deadline_s: 2.5                       # optional: this node's own deadline
      - code: "500000"                        # another hub, answering as a node does
        name: 重庆市档案查询中心
        kind: hub                             # its archives' statuses come back nested
        url: http://127.0.0.1:8200
        public_key: keys/hub-500000/public.pem
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from schemas.fields import RECORD_TYPES
from schemas.signing import load_public_key, public_jwk

NODE, HUB = "node", "hub"


class RegistryError(Exception):
    """The nodes file is unusable; the message says which entry and what to fix."""


@dataclass(frozen=True)
class NodeEntry:
    """An archive's node, or a hub below this one (`kind: hub`) that answers for its own."""

    code: str
    name: str
    url: str
    keys: dict[str, Ed25519PublicKey]  # by kid: the keys that verify this node's answers
    record_types: frozenset[str] | None = None  # None: all four
    deadline_s: float | None = None  # None: the hub's default
    kind: str = NODE  # node | hub

    @property
    def is_hub(self) -> bool:
        return self.kind == HUB

    def holds_any(self, record_types: list[str] | None) -> bool:
        return self.record_types is None or not record_types \
            or bool(self.record_types & set(record_types))


def load_registry(path: Path) -> list[NodeEntry]:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"{path}: cannot read the nodes file: {exc}") from exc
    entries = raw.get("nodes") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: expected a `nodes:` list with one entry per archive")
    nodes = [_entry(path, index, entry) for index, entry in enumerate(entries, start=1)]
    codes = [node.code for node in nodes]
    if len(set(codes)) != len(codes):
        raise RegistryError(f"{path}: an archive code appears twice")
    return nodes


def _entry(path: Path, index: int, entry: object) -> NodeEntry:
    where = f"{path}: node {index}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: expected code, name, url and public_key")
    missing = [key for key in ("code", "name", "url", "public_key") if not entry.get(key)]
    if missing:
        raise RegistryError(f"{where}: missing {', '.join(missing)}")
    key_paths = entry["public_key"] if isinstance(entry["public_key"], list) \
        else [entry["public_key"]]
    keys = {}
    for key_path in key_paths:
        full = (path.parent / str(key_path)).resolve()
        try:
            key = load_public_key(full)
        except (OSError, ValueError) as exc:
            raise RegistryError(f"{where}: cannot read public key {full}: {exc}") from exc
        keys[public_jwk(key)["kid"]] = key
    record_types = entry.get("record_types")
    if record_types is not None:
        unknown = set(record_types) - set(RECORD_TYPES)
        if unknown:
            raise RegistryError(f"{where}: unknown record types {sorted(unknown)}")
        record_types = frozenset(record_types)
    deadline = entry.get("deadline_s")
    kind = entry.get("kind", NODE)
    if kind not in (NODE, HUB):
        raise RegistryError(f"{where}: kind must be {NODE} or {HUB}, not {kind!r}")
    return NodeEntry(
        code=str(entry["code"]),
        name=str(entry["name"]),
        url=str(entry["url"]).rstrip("/"),
        keys=keys,
        record_types=record_types,
        deadline_s=float(deadline) if deadline is not None else None,
        kind=kind,
    )
