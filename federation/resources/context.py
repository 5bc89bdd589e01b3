"""What a hub view needs: settings, the request's session, the fan-out, the caller."""

from flask import current_app, g, request
from sqlalchemy.orm import Session

from certificates.tokens import Keyring
from federation.config import HubSettings
from federation.fanout import FanOut
from federation.identity import Identity, identify


def settings() -> HubSettings:
    return current_app.extensions["liancha.hub"]


def session() -> Session:
    return current_app.extensions["liancha.db"].request_session()


def fanout() -> FanOut:
    return current_app.extensions["liancha.fanout"]


def keyring() -> Keyring:
    return current_app.extensions["liancha.certificate_keys"]


def caller() -> Identity:
    hub = settings()
    identity = identify(request.headers.get("Authorization"), hub.identity_public_key,
                        hub.signing_key.public_key())
    if identity.role == "clerk":  # a disabled account's tokens stop working at once
        from accounts.clerks import ensure_active

        ensure_active(session(), identity)
    return identity


def authenticate() -> None:
    """A blueprint's before_request: who is calling is settled before the body is read."""
    g.identity = caller()
