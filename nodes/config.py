"""The node's settings, read once: defaults, then `LIANCHA_*` variables, then the caller's."""

from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Config

from runtime.settings import ConfigurationError, loaded, required
from runtime.settings import read_config as read_settings
from schemas.signing import load_private_key, load_public_key

__all__ = ["ConfigurationError", "NodeSettings", "node_settings", "read_config"]

DEFAULTS: dict[str, object] = {
    "ARCHIVE_CODE": None,
    "ARCHIVE_NAME": None,
    "REGION_CODE": None,
    "DATABASE_URL": "sqlite:///liancha-node.sqlite",
    "HUB_PUBLIC_KEY": None,
    "SIGNING_KEY": None,
    "MAX_RESULTS": 100,
    "MAX_BODY_BYTES": 64 * 1024,  # a search is a few hundred bytes
    "MAX_TOKEN_LIFETIME_S": 300,
    "CLOCK_LEEWAY_S": 30,
    "LOG_FORMAT": "text",  # text | json
}


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
    log_format: str = "text"
    max_body_bytes: int = 64 * 1024


def read_config(config: Config, overrides: Mapping[str, object] | None) -> None:
    read_settings(config, DEFAULTS, overrides)


def node_settings(config: Mapping[str, object]) -> NodeSettings:
    code = str(required(config, "ARCHIVE_CODE"))
    return NodeSettings(
        archive_code=code,
        archive_name=str(required(config, "ARCHIVE_NAME")),
        region_code=str(config.get("REGION_CODE") or code),
        database_url=str(required(config, "DATABASE_URL")),
        hub_public_key=loaded(required(config, "HUB_PUBLIC_KEY"), load_public_key,
                              "HUB_PUBLIC_KEY", Ed25519PublicKey),
        signing_key=loaded(required(config, "SIGNING_KEY"), load_private_key, "SIGNING_KEY",
                           Ed25519PrivateKey),
        max_results=int(config["MAX_RESULTS"]),  # type: ignore[arg-type]
        max_token_lifetime_s=int(config["MAX_TOKEN_LIFETIME_S"]),  # type: ignore[arg-type]
        clock_leeway_s=int(config["CLOCK_LEEWAY_S"]),  # type: ignore[arg-type]
        log_format=str(config["LOG_FORMAT"]),
        max_body_bytes=int(config["MAX_BODY_BYTES"]),  # type: ignore[arg-type]
    )
