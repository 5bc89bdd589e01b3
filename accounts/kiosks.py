"""Kiosk devices and the sessions they open for people: register a device, open a session
from a card read the device signed, resolve a session token on each call, end it.

A session is an opaque token (`secrets.token_urlsafe(32)`) kept only as its SHA-256. It
ends when the person touches 结束服务, after `kiosk_idle_s` without a call, when the same
device opens a session for the next card, or when the device is deactivated. Every open
and end is an audit entry.
"""

import hashlib
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from accounts.assertions import verify_assertion
from accounts.models import KioskDevice, KioskSession
from federation import audit
from federation.config import HubSettings
from federation.identity import Identity
from runtime.errors import DomainError, InvalidInput, Unauthorized

CARD_AUDIENCE = "liancha-hub/kiosk"
DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
ARCHIVE_CODE = re.compile(r"^\d{6}$")
SWEEP_LIMIT = 200  # idle sessions ended per card read; the rest at the next ones
UNREADABLE_CARD = "无法识别这张身份证，请重新放置身份证或联系工作人员。"


class SessionEnded(DomainError):
    """The session was finished, idled out, or replaced: the person starts again."""

    status = 401
    title = "Kiosk session ended"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, zh="本次服务已结束，请重新放置身份证。")


@dataclass(frozen=True)
class OpenedSession:
    token: str  # given to the kiosk page once; the hub keeps only its hash
    identity: Identity
    device: KioskDevice


def register_device(session: Session, device_id: str, archive_code: str, location: str,
                    public_key_pem: str, known_archives: Collection[str] | None, *,
                    replace: bool = False, actor: str = "cli") -> KioskDevice:
    """Register (or, with `replace`, re-key and reactivate) a device. `known_archives` are
    the federation's codes; None when the caller cannot tell (any 6-digit code passes)."""
    errors: dict[str, list[str]] = {}
    if not DEVICE_ID.match(device_id or ""):
        errors["device_id"] = ["1-64 letters, digits, '.', '_' or '-'."]
    if not ARCHIVE_CODE.match(archive_code or ""):
        errors["archive"] = ["A 6-digit archive (region) code."]
    elif known_archives is not None and archive_code not in known_archives:
        errors["archive"] = [f"Archive {archive_code} is not in this federation."]
    if not (location or "").strip() or len(location) > 200:
        errors["location"] = ["Where the device stands, 1-200 characters."]
    try:
        _public_key(public_key_pem)
    except ValueError as exc:
        errors["public_key"] = [str(exc)]
    existing = session.get(KioskDevice, device_id) if "device_id" not in errors else None
    if existing is not None and not replace:
        errors["device_id"] = [f"Device {device_id} is already registered; replace it to "
                               "change its key."]
    if errors:
        raise InvalidInput(errors)
    device = existing or KioskDevice(device_id=device_id)
    device.archive_code, device.location = archive_code, location.strip()
    device.public_key, device.active = public_key_pem.strip() + "\n", True
    device.registered_at = datetime.now(UTC)
    session.add(device)
    session.flush()
    audit.record(session, actor=actor, role="admin", action="kiosk.device.registered",
                 target=f"kiosk:{device_id}",
                 detail={"archive": archive_code, "location": device.location,
                         "replaced": existing is not None})
    session.commit()
    return device


def deactivate_device(session: Session, device_id: str, actor: str = "cli") -> KioskDevice:
    """Take a device out of service; its open sessions end at their next call."""
    device = session.get(KioskDevice, device_id)
    if device is None:
        raise InvalidInput({"device_id": [f"No device {device_id} is registered."]})
    device.active = False
    audit.record(session, actor=actor, role="admin", action="kiosk.device.deactivated",
                 target=f"kiosk:{device_id}")
    session.commit()
    return device


def device_key(session: Session, device_id: str) -> Ed25519PublicKey | None:
    """The key a registered, active device signs its card reads with."""
    device = session.get(KioskDevice, device_id) if device_id else None
    if device is None or not device.active:
        return None
    return _public_key(device.public_key)


def open_session(session: Session, settings: HubSettings, assertion: str,
                 now: datetime | None = None) -> OpenedSession:
    """A session for the person whose card the device read (a single-use signed assertion
    naming `id_number` and `name`); the device's previous session ends."""
    now = now or datetime.now(UTC)
    claims = verify_assertion(session, assertion, CARD_AUDIENCE,
                              lambda issuer: device_key(session, issuer),
                              required=("id_number", "name"))
    device = session.get(KioskDevice, claims["iss"])
    assert device is not None  # verify_assertion found its key
    id_number, name = card_id_number(claims["id_number"]), card_name(claims["name"])
    expire_idle_sessions(session, settings, now)
    for previous in list(session.scalars(select(KioskSession).where(
            KioskSession.device_id == device.device_id, KioskSession.ended_at.is_(None)))):
        _end(session, previous, device, now, "replaced")
    token = secrets.token_urlsafe(32)
    row = KioskSession(session_hash=token_hash(token), device_id=device.device_id,
                       id_number=id_number, name=name, opened_at=now, last_seen_at=now)
    session.add(row)
    identity = session_identity(row, device)
    audit.record(session, actor=identity.subject, role=identity.role,
                 action="kiosk.session.opened", target=f"kiosk:{device.device_id}",
                 detail={"session": row.session_hash[:16], "archive": device.archive_code,
                         "location": device.location})
    session.commit()
    return OpenedSession(token, identity, device)


def authenticate_session(session: Session, settings: HubSettings, token: str,
                         now: datetime | None = None) -> tuple[Identity, KioskDevice]:
    """The person a session token acts for; each call counts as activity."""
    now = now or datetime.now(UTC)
    row = session.get(KioskSession, token_hash(token))
    if row is None:
        raise Unauthorized("Unknown kiosk session token.")
    if row.ended_at is not None:
        raise SessionEnded(f"This kiosk session ended ({row.end_reason}).")
    device = session.get(KioskDevice, row.device_id)
    assert device is not None  # a foreign key
    if not device.active:
        _end(session, row, device, now, "device_inactive")
        session.commit()
        raise SessionEnded("The kiosk device was taken out of service.")
    if _idle(settings, row, now):
        _end(session, row, device, now, "idle")
        session.commit()
        raise SessionEnded(f"The kiosk session idled out after {settings.kiosk_idle_s:g} s.")
    row.last_seen_at = now
    session.commit()
    return session_identity(row, device), device


def finish_session(session: Session, token: str, now: datetime | None = None) -> None:
    """The person touched 结束服务 (an authenticated call: the session is open)."""
    row = session.get(KioskSession, token_hash(token))
    if row is None or row.ended_at is not None:
        raise SessionEnded("This kiosk session already ended.")
    device = session.get(KioskDevice, row.device_id)
    assert device is not None
    _end(session, row, device, now or datetime.now(UTC), "finished")
    session.commit()


def expire_idle_sessions(session: Session, settings: HubSettings,
                         now: datetime | None = None) -> int:
    """End (and audit) sessions idle too long that no call came back to end; the caller
    commits. Run at each card read, so abandoned sessions are recorded as idle."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=settings.kiosk_idle_s)
    idle = list(session.scalars(select(KioskSession).where(
        KioskSession.ended_at.is_(None), KioskSession.last_seen_at < cutoff)
        .limit(SWEEP_LIMIT)))
    for row in idle:
        device = session.get(KioskDevice, row.device_id)
        assert device is not None
        _end(session, row, device, now, "idle")
    return len(idle)


def session_identity(row: KioskSession, device: KioskDevice) -> Identity:
    return Identity(f"citizen:{row.id_number}@kiosk:{device.device_id}", "kiosk",
                    archive=device.archive_code, id_number=row.id_number, name=row.name,
                    device=device.device_id)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def card_id_number(value: object) -> str:
    """An 18-digit resident id with a valid check character and birth date (GB 11643). The
    region code is not looked up: retired and renamed codes stay on real cards."""
    number = ric.compact(str(value or ""))
    try:
        if len(number) != 18 or not number[:17].isdigit() \
                or number[-1] != ric.calc_check_digit(number):
            raise ValidationError()
        ric.get_birth_date(number)
    except ValidationError as exc:
        raise Unauthorized("The card's id number is not a valid 18-digit resident id.",
                           zh=UNREADABLE_CARD) from exc
    return number


def card_name(value: object) -> str:
    name = str(value or "").strip()
    if not 1 <= len(name) <= 64:
        raise Unauthorized("The card's name is empty or too long.", zh=UNREADABLE_CARD)
    return name


def _idle(settings: HubSettings, row: KioskSession, now: datetime) -> bool:
    return (now - _aware(row.last_seen_at)).total_seconds() > settings.kiosk_idle_s


def _end(session: Session, row: KioskSession, device: KioskDevice, now: datetime,
         reason: str) -> None:
    row.ended_at, row.end_reason = now, reason
    identity = session_identity(row, device)
    audit.record(session, actor=identity.subject, role=identity.role,
                 action=f"kiosk.session.{reason}", target=f"kiosk:{device.device_id}",
                 detail={"session": row.session_hash[:16],
                         "opened_at": _aware(row.opened_at).isoformat(),
                         "last_seen_at": _aware(row.last_seen_at).isoformat()})


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def _public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key((pem or "").strip().encode())
    except ValueError as exc:
        raise ValueError("Not a PEM public key.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("The device key must be an Ed25519 public key.")
    return key
