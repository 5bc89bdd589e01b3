"""`liancha clerk`: clerk accounts of the workbench (add, list, passwd, disable).

Passwords are read from a prompt (typed twice, not echoed) or, for scripts, from the
first line of standard input (`--password-stdin`); never from an option, which would leave
them in the shell's history and the process list.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # the commands import their heavy modules only when they run
    from sqlalchemy.orm import Session

DATABASE_HELP = "The hub's database."
ROLE_HELP = ("receiving, holding or admin, at every --archive; or CODE:ROLE for one archive "
             "(repeatable).")


@click.group("clerk")
def clerk_group() -> None:
    """Clerk accounts of the workbench."""


@contextmanager
def _session(database_url: str, upgrade: bool = False) -> Iterator["Session"]:
    from federation.storage import hub_session
    from runtime.errors import DomainError

    try:
        with hub_session(database_url, upgrade) as session:
            yield session
    except DomainError as exc:
        fields = "; ".join(f"{name}: {' '.join(messages)}"
                           for name, messages in (getattr(exc, "errors", None) or {}).items())
        raise click.ClickException(fields or exc.detail) from exc


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return click.get_text_stream("stdin").readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _pairs(archives: tuple[str, ...], roles: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for role in roles:
        code, _, name = role.rpartition(":")
        if code:
            pairs.append((code, name))
        elif not archives:
            raise click.UsageError(f"--role {role} needs an --archive (or write CODE:{role}).")
        else:
            pairs.extend((archive, role) for archive in archives)
    return pairs


@clerk_group.command("add")
@click.argument("username")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help=DATABASE_HELP)
@click.option("--name", "display_name", required=True, help="The clerk's name, e.g. 王芳.")
@click.option("--archive", "archives", multiple=True,
              help="An archive code where the clerk works (repeatable).")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def add(username: str, database_url: str, display_name: str, archives: tuple[str, ...],
        roles: tuple[str, ...], password_stdin: bool) -> None:
    """Create a clerk account (creates or upgrades the hub's schema first)."""
    from accounts.clerks import create_clerk

    pairs = _pairs(archives, roles)
    password = _password(password_stdin)
    with _session(database_url, upgrade=True) as session:
        account = create_clerk(session, username, display_name, password, pairs)
    click.echo(f"clerk {account.username} ({account.display_name}) created: "
               f"{_roles(account.roles)}")


@clerk_group.command("list")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help=DATABASE_HELP)
def list_command(database_url: str) -> None:
    """List clerk accounts: username, name, status, roles per archive."""
    from accounts.clerks import list_clerks

    with _session(database_url) as session:
        accounts = list_clerks(session)
    for account in accounts:
        status = "active" if account.active else "disabled"
        click.echo(f"{account.username}\t{account.display_name}\t{status}\t"
                   f"{_roles(account.roles)}")
    if not accounts:
        click.echo("no clerk accounts yet (`liancha clerk add`)", err=True)


@clerk_group.command("passwd")
@click.argument("username")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help=DATABASE_HELP)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def passwd(username: str, database_url: str, password_stdin: bool) -> None:
    """Set a clerk's password."""
    from accounts.clerks import change_password

    password = _password(password_stdin)
    with _session(database_url) as session:
        change_password(session, username, password)
    click.echo(f"password of {username} changed")


@clerk_group.command("roles")
@click.argument("username")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help=DATABASE_HELP)
@click.option("--archive", "archives", multiple=True,
              help="An archive code where the clerk works (repeatable).")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
def roles_command(username: str, database_url: str, archives: tuple[str, ...],
                  roles: tuple[str, ...]) -> None:
    """Replace a clerk's roles; the tokens issued with the old ones stop working."""
    from accounts.clerks import set_roles

    with _session(database_url) as session:
        account = set_roles(session, username, _pairs(archives, roles))
    click.echo(f"clerk {account.username}: {_roles(account.roles)} (earlier tokens ended)")


@clerk_group.command("disable")
@click.argument("username")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True,
              help=DATABASE_HELP)
def disable(username: str, database_url: str) -> None:
    """Disable a clerk account: no more logins, and its tokens stop working."""
    from accounts.clerks import deactivate

    with _session(database_url) as session:
        deactivate(session, username)
    click.echo(f"clerk {username} disabled")


def _roles(roles: dict[str, tuple[str, ...]]) -> str:
    return ", ".join(f"{code}:{'+'.join(found)}" for code, found in roles.items()) or "-"
