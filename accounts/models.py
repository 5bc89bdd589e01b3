"""Storage of clerk accounts, kiosk devices and sessions, and national platform clients."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from federation.models import Base


class Clerk(Base):
    __tablename__ = "clerks"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))  # werkzeug scrypt
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # counts password changes
    password_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the generation of the clerk's tokens: a change of password or roles, or disabling the
    # account, starts a new one, and tokens of an earlier generation are refused
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ClerkRole(Base):
    """One role of a clerk at one archive: receiving, holding or admin."""

    __tablename__ = "clerk_roles"

    username: Mapped[str] = mapped_column(ForeignKey("clerks.username", ondelete="CASCADE"),
                                          primary_key=True)
    archive_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class KioskDevice(Base):
    __tablename__ = "kiosk_devices"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    archive_code: Mapped[str] = mapped_column(String(6))
    location: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(Text)  # PEM, Ed25519
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KioskSession(Base):
    """A person's session at a kiosk, opened by a card read the device signed."""

    __tablename__ = "kiosk_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of token
    device_id: Mapped[str] = mapped_column(ForeignKey("kiosk_devices.device_id"))
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))  # finished | idle


class PlatformClient(Base):
    __tablename__ = "platform_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(Text)  # PEM, Ed25519
    callback_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RevokedToken(Base):
    """A hub token ended before it expires (a clerk's logout), kept until it would have."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class UsedAssertion(Base):
    """A signed assertion's `jti`, kept until it expires so that it is accepted once."""

    __tablename__ = "used_assertions"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # issuer + ":" + jti
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
