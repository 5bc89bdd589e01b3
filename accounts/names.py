"""The names people know the hub's registered callers by: a clerk's display name, a
national platform client's registered name.

The history of a request records who acted as an identity subject (`clerk:wang`,
`national:national-platform`), which is what the audit chain needs and what a person
reading a page cannot place; a page looks the names up here, all at once.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import Clerk, PlatformClient


def caller_names(session: Session, subjects: Iterable[str]) -> dict[str, str]:
    """Each clerk's and platform client's name by its subject; other callers (citizens,
    kiosk sessions) and unknown accounts are left out: the caller words them itself."""
    wanted = set(subjects)
    clerks = {s.removeprefix("clerk:") for s in wanted if s.startswith("clerk:")}
    clients = {s.removeprefix("national:") for s in wanted if s.startswith("national:")}
    names = {}
    if clerks:
        names.update({f"clerk:{username}": name for username, name in session.execute(
            select(Clerk.username, Clerk.display_name).where(Clerk.username.in_(clerks)))})
    if clients:
        names.update({f"national:{client}": name for client, name in session.execute(
            select(PlatformClient.client_id, PlatformClient.name).where(
                PlatformClient.client_id.in_(clients)))})
    return names
