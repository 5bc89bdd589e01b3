"""`liancha clerk`: add (creating the hub's schema), list, passwd, disable."""

from click.testing import CliRunner
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from accounts.models import Clerk
from liancha.cli import main
from runtime.database import make_engine


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["clerk", *args], input=input, catch_exceptions=False)


def stored(database_url: str, username: str) -> Clerk | None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        clerk = session.get(Clerk, username)
    engine.dispose()
    return clerk


def test_add_list_passwd_disable(database_url: str):
    added = run("add", "wangfang", "--database-url", database_url, "--name", "王芳",
                "--archive", "510500", "--role", "receiving", "--role", "holding",
                "--role", "500118:holding", "--password-stdin",
                input="first secret 123\n")
    assert added.exit_code == 0, added.output
    assert "510500:holding+receiving" in added.output and "500118:holding" in added.output
    clerk = stored(database_url, "wangfang")
    assert clerk is not None and clerk.active
    assert check_password_hash(clerk.password_hash, "first secret 123")

    listed = run("list", "--database-url", database_url)
    assert listed.exit_code == 0
    assert listed.output.split("\t")[:3] == ["wangfang", "王芳", "active"]

    changed = run("passwd", "wangfang", "--database-url", database_url,
                  input="second secret 456\nsecond secret 456\n")  # the prompt, twice
    assert changed.exit_code == 0, changed.output
    clerk = stored(database_url, "wangfang")
    assert clerk is not None and check_password_hash(clerk.password_hash, "second secret 456")

    assert run("disable", "wangfang", "--database-url", database_url).exit_code == 0
    assert "\tdisabled\t" in run("list", "--database-url", database_url).output


def test_mistakes_are_explained_not_raised(database_url: str):
    short = run("add", "li", "--database-url", database_url, "--name", "李", "--archive",
                "510500", "--role", "receiving", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "password: At least 10 characters" in short.output
    no_archive = run("add", "li", "--database-url", database_url, "--name", "李",
                     "--role", "holding", "--password-stdin", input="long enough pw\n")
    assert no_archive.exit_code == 2 and "needs an --archive" in no_archive.output
    mismatch = run("add", "li", "--database-url", database_url, "--name", "李", "--archive",
                   "510500", "--role", "receiving", input="long enough pw\nanother one!\n"
                   "long enough pw\nlong enough pw\n")
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output
    again = run("add", "li", "--database-url", database_url, "--name", "李", "--archive",
                "510500", "--role", "receiving", "--password-stdin", input="long enough pw\n")
    assert again.exit_code == 1 and "exists already" in again.output
    missing = run("disable", "nobody", "--database-url", database_url)
    assert missing.exit_code == 1 and "no clerk nobody" in missing.output
