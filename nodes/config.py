"""The node's settings, read once: defaults, then `LIANCHA_*` variables, then the caller's."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Config

from schemas.signing import load_private_key, load_public_key

DEFAULTS: dict[str, object] = {
    "ARCHIVE_CODE": None,
    "ARCHIVE_NAME": None,
    "REGION_CODE": None,
    "DATABASE_URL": "sqlite:///liancha-node.sqlite",
    "HUB_PUBLIC_KEY": None,
    "SIGNING_KEY": None,
    "MAX_RESULTS": 100,
    "MAX_TOKEN_LIFETIME_S": 300,
    "CLOCK_LEEWAY_S": 30,
}


class ConfigurationError(Exception):
    """A setting is missing or unusable; the message names the setting and the variable."""


@dataclass(frozen=True)
class NodeSettings:
    archive_code: str
    archive_name: str
    region_code: str
    database_url: str
    hub_public_key: Ed25519PublicKey
    signing_key: Ed25519PrivateKey
    max_results: int
    max_token_lifetime_s: int
    clock_leeway_s: int


def read_config(config: Config, overrides: Mapping[str, object] | None) -> None:
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env("LIANCHA")
    if overrides:
        config.from_mapping(overrides)


def _required(config: Mapping[str, object], name: str) -> object:
    value = config.get(name)
    if value in (None, ""):
        raise ConfigurationError(f"{name} is not set (option --{name.lower().replace('_', '-')} "
                                 f"or variable LIANCHA_{name})")
    return value


def _key(value: object, loader, name: str):  # type: ignore[no-untyped-def]
    if isinstance(value, Ed25519PrivateKey | Ed25519PublicKey):
        return value
    try:
        return loader(Path(str(value)))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{name}: cannot read key {value}: {exc}") from exc


def node_settings(config: Mapping[str, object]) -> NodeSettings:
    code = str(_required(config, "ARCHIVE_CODE"))
    return NodeSettings(
        archive_code=code,
        archive_name=str(_required(config, "ARCHIVE_NAME")),
        region_code=str(config.get("REGION_CODE") or code),
        database_url=str(_required(config, "DATABASE_URL")),
        hub_public_key=_key(_required(config, "HUB_PUBLIC_KEY"), load_public_key,
                            "HUB_PUBLIC_KEY"),
        signing_key=_key(_required(config, "SIGNING_KEY"), load_private_key, "SIGNING_KEY"),
        max_results=int(config["MAX_RESULTS"]),  # type: ignore[arg-type]
        max_token_lifetime_s=int(config["MAX_TOKEN_LIFETIME_S"]),  # type: ignore[arg-type]
        clock_leeway_s=int(config["CLOCK_LEEWAY_S"]),  # type: ignore[arg-type]
    )
