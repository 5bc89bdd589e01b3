"""What a hub view needs: settings, the request's session, the fan-out, the caller."""

from flask import current_app, g, request
from sqlalchemy.orm import Session

from certificates.tokens import Keyring
from federation.config import HubSettings
from federation.fanout import FanOut
from federation.identity import Identity, identify
from federation.ratelimit import Budgets, Limits


def settings() -> HubSettings:
    return current_app.extensions["liancha.hub"]


def session() -> Session:
    return current_app.extensions["liancha.db"].request_session()


def fanout() -> FanOut:
    return current_app.extensions["liancha.fanout"]


def keyring() -> Keyring:
    return current_app.extensions["liancha.certificate_keys"]


def limits() -> Limits:
    return current_app.extensions["liancha.limits"]


def budgets() -> Budgets:
    return current_app.extensions["liancha.budgets"]


def caller() -> Identity:
    """Who is calling (the token checked), their call counted against their identity's
    budget on whichever surface they call."""
    hub = settings()
    identity = identify(request.headers.get("Authorization"), hub.identity_public_key,
                        hub.signing_key.public_key(),
                        hub.guards.identity_token_max_lifetime_s)
    if identity.role == "clerk":  # a disabled account's tokens stop working at once
        from accounts.clerks import ensure_active

        ensure_active(session(), identity)
    count_call(identity)
    return identity


def count_call(identity: Identity) -> None:
    """One call of an identified caller, counted whatever the surface (RateLimited past
    its budget)."""
    limits().hit(*budgets().of_caller(identity))


def count_address(budget_name: str) -> None:
    """One call of someone not identified, counted against their address."""
    limits().hit(getattr(budgets(), budget_name), request.remote_addr or "unknown")


def authenticate() -> None:
    """A blueprint's before_request: who is calling is settled before the body is read."""
    g.identity = caller()
