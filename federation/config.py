"""The hub's settings, read once: defaults, then `LIANCHA_*` variables, then the caller's."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Config

from casework.calendar import WorkingCalendar, load_calendar
from federation.registry import NodeEntry, RegistryError, load_registry
from runtime.settings import ConfigurationError, loaded, required
from runtime.settings import read_config as read_settings
from schemas.fields import ARCHIVE_CODE
from schemas.signing import load_private_key, load_public_key

if TYPE_CHECKING:
    from certificates.pdf.seal import SealArt
    from schemas.locator import LocatorKey

__all__ = ["ConfigurationError", "HubSettings", "hub_settings", "read_config"]

DEFAULTS: dict[str, object] = {
    "NODES": None,
    "SIGNING_KEY": None,
    "IDENTITY_PUBLIC_KEY": None,
    "DATABASE_URL": "sqlite:///liancha-hub.sqlite",
    "UPGRADE_SCHEMA": True,  # false where `liancha hub migrate` runs first (gunicorn, workers)
    "NODE_DEADLINE_S": 3.0,
    "OVERALL_DEADLINE_S": 5.0,
    "HEDGE_BUDGET": 0.05,
    "BREAKER_FAIL_MAX": 5,
    "BREAKER_RESET_S": 30.0,
    # node calls in flight at once per hub process, shared by its concurrent queries (each is
    # a socket on the fan-out loop: keep it under the process's open-file limit)
    "FANOUT_CALLS": 512,
    "CERTIFICATE_KEYS": None,  # the certificate keyring's directory, made on first use
    "PUBLIC_URL": "http://127.0.0.1:8100",  # where people reach the hub: the QR's URLs
    "HOLIDAY_CALENDAR": None,  # an archive's own holidays/workdays (YAML) over the national
    # archives' own seals for their certificates: <archive code>.pdf or .png (docs/hub.md)
    "SEAL_DIRECTORY": None,
    "KIOSK_IDLE_S": 120.0,  # a kiosk session ends after this long without a touch
    # abuse limits (federation/ratelimit.py): calls a minute per identity on every surface
    # (0: no limit), per address where nobody is identified; body sizes; who may be called
    "RATE_LIMIT_PER_MINUTE": 30,  # a person: app token or kiosk session
    "CLERK_RATE_LIMIT_PER_MINUTE": 600,
    "CLIENT_RATE_LIMIT_PER_MINUTE": 600,  # a national platform client
    "VERIFY_RATE_LIMIT_PER_MINUTE": 60,  # per address: verification API, page and upload
    "TOKEN_RATE_LIMIT_PER_MINUTE": 30,  # per address: the national token endpoint
    "CARD_READ_RATE_LIMIT_PER_MINUTE": 30,  # per address: kiosk card reads
    "LOGIN_FAILURES_PER_USER": 5,  # failed logins per username and address in 15 minutes
    "LOGIN_FAILURES_PER_ADDRESS": 20,  # failed logins per address in 15 minutes
    "TRUSTED_PROXIES": 0,  # reverse proxies in front of the hub whose X-Forwarded-For counts
    "MAX_BODY_BYTES": 512 * 1024,  # any API request body (JSON, forms)
    "MAX_UPLOAD_BYTES": 20 * 1024 * 1024,  # a PDF uploaded to the verification page
    "IDENTITY_TOKEN_MAX_LIFETIME_S": 12 * 3600,  # longer-lived app tokens are refused
    "CALLBACKS_ALLOW_PRIVATE": False,  # development: http and private addresses allowed
    "CALLBACK_POLL_S": 2.0,  # how often due callbacks are sent (0: off)
    "CALLBACK_RETRY_BASE_S": 2.0,  # back-off: base * 2**attempts, capped
    "CALLBACK_RETRY_MAX_S": 600.0,
    # production: Redis for Celery's broker, shared breaker state and the answer cache;
    # without it background work runs in the hub's own process and nothing is shared
    "REDIS_URL": None,
    "ANSWER_CACHE_S": 30.0,  # how long a node's answer is reused (0: never)
    # the federation's record locator key (a file; `liancha node locator new-key`): with it
    # a search goes only to archives whose locator may hold the subject (docs/hub.md)
    "LOCATOR_KEY": None,
    "LOCATOR_MAX_AGE_S": 120.0,  # an older copy of a locator is not relied on
    # a hub that answers an upper hub as a node does (docs/hub.md, "Hubs nest"): the upper
    # hub's public key (a file), and the code and name this hub answers under
    "UPPER_HUB_PUBLIC_KEY": None,
    "HUB_CODE": None,
    "HUB_NAME": None,
    "LOG_FORMAT": "text",  # text | json
    # background work (docs/operations.md); an interval of 0 turns that periodic work off
    "PROBE_INTERVAL_S": 60.0,  # each node's /readyz and service-info
    "PROBE_TIMEOUT_S": 3.0,
    "REMINDER_INTERVAL_S": 900.0,  # requests due within a working day, or overdue
    "BATCH_SWEEP_S": 30.0,  # certificate batches whose runner went quiet are sent again
    "BATCH_LEASE_S": 60.0,  # a runner's hold on a batch, renewed after each certificate
    "TASK_MAX_DELIVERIES": 5,  # a task delivered this often (its workers died) is dropped
    "TASK_VISIBILITY_TIMEOUT_S": 3600.0,  # an unacknowledged task goes back to the queue
}


@dataclass(frozen=True)
class Guards:
    """The hub's abuse limits (see DEFAULTS for what each means)."""

    person_per_minute: int
    clerk_per_minute: int
    client_per_minute: int
    verify_per_minute: int
    token_per_minute: int
    card_reads_per_minute: int
    login_failures_per_user: int
    login_failures_per_address: int
    trusted_proxies: int
    max_body_bytes: int
    max_upload_bytes: int
    identity_token_max_lifetime_s: int
    callbacks_allow_private: bool


@dataclass(frozen=True)
class HubSettings:
    nodes: list[NodeEntry]
    signing_key: Ed25519PrivateKey
    identity_public_key: Ed25519PublicKey
    database_url: str
    node_deadline_s: float
    overall_deadline_s: float
    hedge_budget: float
    breaker_fail_max: int
    breaker_reset_s: float
    fanout_calls: int
    certificate_keys: Path
    public_url: str
    calendar: WorkingCalendar
    kiosk_idle_s: float
    guards: Guards
    callback_poll_s: float
    callback_retry_base_s: float
    callback_retry_max_s: float
    redis_url: str | None
    answer_cache_s: float
    log_format: str
    probe_interval_s: float
    probe_timeout_s: float
    reminder_interval_s: float
    batch_sweep_s: float
    batch_lease_s: float
    task_max_deliveries: int
    task_visibility_timeout_s: float
    seals: dict[str, "SealArt"] = field(default_factory=dict)  # archive code -> its seal
    locator_key: "LocatorKey | None" = None
    locator_max_age_s: float = 120.0
    upper: "UpperHub | None" = None  # set when this hub answers an upper hub

    @property
    def archive_names(self) -> dict[str, str]:
        """Every archive's name by its code, in the nodes file's order."""
        return {node.code: node.name for node in self.nodes}


def read_config(config: Config, overrides: Mapping[str, object] | None) -> None:
    read_settings(config, DEFAULTS, overrides)


def _nodes(value: object) -> list[NodeEntry]:
    try:
        return loaded(value, load_registry, "NODES", list)
    except RegistryError as exc:
        raise ConfigurationError(f"NODES: {exc}") from exc


def hub_settings(config: Mapping[str, object]) -> HubSettings:
    nodes = _nodes(required(config, "NODES"))
    return HubSettings(
        nodes=nodes,
        signing_key=loaded(required(config, "SIGNING_KEY"), load_private_key, "SIGNING_KEY",
                           Ed25519PrivateKey),
        identity_public_key=loaded(required(config, "IDENTITY_PUBLIC_KEY"), load_public_key,
                                   "IDENTITY_PUBLIC_KEY", Ed25519PublicKey),
        database_url=str(required(config, "DATABASE_URL")),
        node_deadline_s=float(config["NODE_DEADLINE_S"]),  # type: ignore[arg-type]
        overall_deadline_s=float(config["OVERALL_DEADLINE_S"]),  # type: ignore[arg-type]
        hedge_budget=float(config["HEDGE_BUDGET"]),  # type: ignore[arg-type]
        breaker_fail_max=int(config["BREAKER_FAIL_MAX"]),  # type: ignore[arg-type]
        breaker_reset_s=float(config["BREAKER_RESET_S"]),  # type: ignore[arg-type]
        fanout_calls=int(config["FANOUT_CALLS"]),  # type: ignore[arg-type]
        certificate_keys=Path(str(required(config, "CERTIFICATE_KEYS"))),
        public_url=str(required(config, "PUBLIC_URL")).rstrip("/"),
        calendar=_calendar(config.get("HOLIDAY_CALENDAR")),
        kiosk_idle_s=float(config["KIOSK_IDLE_S"]),  # type: ignore[arg-type]
        guards=_guards(config),
        callback_poll_s=float(config["CALLBACK_POLL_S"]),  # type: ignore[arg-type]
        callback_retry_base_s=float(config["CALLBACK_RETRY_BASE_S"]),  # type: ignore[arg-type]
        callback_retry_max_s=float(config["CALLBACK_RETRY_MAX_S"]),  # type: ignore[arg-type]
        redis_url=str(config["REDIS_URL"]) if config.get("REDIS_URL") else None,
        answer_cache_s=float(config["ANSWER_CACHE_S"]),  # type: ignore[arg-type]
        log_format=_log_format(config.get("LOG_FORMAT")),
        probe_interval_s=float(config["PROBE_INTERVAL_S"]),  # type: ignore[arg-type]
        probe_timeout_s=float(config["PROBE_TIMEOUT_S"]),  # type: ignore[arg-type]
        reminder_interval_s=float(config["REMINDER_INTERVAL_S"]),  # type: ignore[arg-type]
        batch_sweep_s=float(config["BATCH_SWEEP_S"]),  # type: ignore[arg-type]
        batch_lease_s=float(config["BATCH_LEASE_S"]),  # type: ignore[arg-type]
        task_max_deliveries=int(config["TASK_MAX_DELIVERIES"]),  # type: ignore[arg-type]
        task_visibility_timeout_s=float(
            config["TASK_VISIBILITY_TIMEOUT_S"]),  # type: ignore[arg-type]
        seals=_seals(config.get("SEAL_DIRECTORY"), nodes),
        locator_key=_locator_key(config.get("LOCATOR_KEY")),
        locator_max_age_s=float(config["LOCATOR_MAX_AGE_S"]),  # type: ignore[arg-type]
        upper=_upper(config),
    )


@dataclass(frozen=True)
class UpperHub:
    """What a hub needs to answer an upper hub: its key, and the code and name it answers
    under (the upper hub's nodes file names this hub so, with `kind: hub`)."""

    public_key: Ed25519PublicKey
    code: str
    name: str


def _upper(config: Mapping[str, object]) -> UpperHub | None:
    if not config.get("UPPER_HUB_PUBLIC_KEY"):
        return None
    code = str(required(config, "HUB_CODE"))
    if not ARCHIVE_CODE.match(code):
        raise ConfigurationError(f"HUB_CODE must be six digits, like an archive's code: {code!r}")
    return UpperHub(loaded(config["UPPER_HUB_PUBLIC_KEY"], load_public_key,
                           "UPPER_HUB_PUBLIC_KEY", Ed25519PublicKey),
                    code, str(required(config, "HUB_NAME")))


def _locator_key(value: object) -> "LocatorKey | None":
    from schemas.locator import LocatorKeyError, load_locator_key

    if not value:
        return None
    try:
        return load_locator_key(str(value))
    except LocatorKeyError as exc:
        raise ConfigurationError(f"LOCATOR_KEY: {exc}") from exc


def _guards(config: Mapping[str, object]) -> Guards:
    def number(name: str) -> int:
        return int(config[name])  # type: ignore[call-overload]

    return Guards(
        person_per_minute=number("RATE_LIMIT_PER_MINUTE"),
        clerk_per_minute=number("CLERK_RATE_LIMIT_PER_MINUTE"),
        client_per_minute=number("CLIENT_RATE_LIMIT_PER_MINUTE"),
        verify_per_minute=number("VERIFY_RATE_LIMIT_PER_MINUTE"),
        token_per_minute=number("TOKEN_RATE_LIMIT_PER_MINUTE"),
        card_reads_per_minute=number("CARD_READ_RATE_LIMIT_PER_MINUTE"),
        login_failures_per_user=number("LOGIN_FAILURES_PER_USER"),
        login_failures_per_address=number("LOGIN_FAILURES_PER_ADDRESS"),
        trusted_proxies=number("TRUSTED_PROXIES"),
        max_body_bytes=number("MAX_BODY_BYTES"),
        max_upload_bytes=number("MAX_UPLOAD_BYTES"),
        identity_token_max_lifetime_s=number("IDENTITY_TOKEN_MAX_LIFETIME_S"),
        callbacks_allow_private=str(config["CALLBACKS_ALLOW_PRIVATE"]).lower()
        in ("1", "true", "yes"),
    )


def _log_format(value: object) -> str:
    if value not in ("text", "json"):
        raise ConfigurationError(f"LOG_FORMAT: {value!r} is not text or json")
    return str(value)


def _calendar(value: object) -> WorkingCalendar:
    if value in (None, ""):
        return WorkingCalendar()
    return loaded(value, load_calendar, "HOLIDAY_CALENDAR", WorkingCalendar)


def _seals(value: object, nodes: list[NodeEntry]) -> dict[str, "SealArt"]:
    """Each archive's own seal in SEAL_DIRECTORY, read and checked once, at start."""
    if value in (None, ""):
        return {}
    from certificates.pdf.seal import SealFileError, load_seals

    try:
        return load_seals(Path(str(value)), [node.code for node in nodes])
    except (OSError, SealFileError) as exc:
        raise ConfigurationError(f"SEAL_DIRECTORY: {exc}") from exc
