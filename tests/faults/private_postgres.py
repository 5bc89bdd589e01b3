"""A PostgreSQL cluster of the test's own, to stop and restart while the hub uses it.

`private_postgres()` makes a cluster in a new directory under the system's temp directory
(initdb), serves it on a free loopback port with its socket in that directory, and on
leaving stops it at once and removes the directory, whatever happened. The machine's own
PostgreSQL is never touched. initdb and postgres refuse to run as root: as root, every
command runs as the `postgres` user, who owns the directory.

Every wait is bounded (pg_ctl -t); a failed command raises with the server's log.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WAIT_S = 30  # pg_ctl's bound for a start, a stop or a restart


class PostgresFailed(Exception):
    """A pg_ctl or initdb command failed; the message carries its output and the log."""


def bin_dir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda path: int(Path(path).parent.parent.name))
    if not versions:
        raise PostgresFailed("no pg_ctl on PATH or in /usr/lib/postgresql/*/bin: install the "
                             "PostgreSQL server package (the fault suite starts its own)")
    return Path(versions[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """One cluster in `directory`: `start`, `stop`, `restart`, its `url` and its `log`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.logfile = directory / "postgres.log"
        self.port = free_port()
        self.bin = bin_dir()
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def log(self, last_lines: int = 60) -> str:
        try:
            lines = self.logfile.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return "(no PostgreSQL log)"
        return "\n".join(lines[-last_lines:])

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.directory} -c max_connections=60")
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.logfile),
                  "-o", options, "-w", "-t", str(WAIT_S))

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", str(WAIT_S))

    def restart(self, mode: str = "fast") -> None:
        """`fast`: sessions are ended and the server shuts down cleanly; `immediate`: the
        processes are killed as in a crash, and the server recovers from its WAL. (What
        `pg_ctl restart -m MODE` does, in two steps: its restarted server would write its
        log to pg_ctl's own output rather than to the log file.)"""
        self.stop(mode)
        self.start()

    def kill(self) -> None:
        """Stop at once if running; failing that, kill the postmaster by its pid."""
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            self.stop("immediate")
        except PostgresFailed:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)

    def _command(self, program: str, *args: str) -> list[str]:
        return [*self._as_postgres, str(self.bin / program), *args]

    def _run(self, program: str, *args: str) -> None:
        try:
            done = subprocess.run(self._command(program, *args), capture_output=True,
                                  text=True, cwd=self.directory, timeout=WAIT_S + 15)
        except subprocess.TimeoutExpired as exc:
            raise PostgresFailed(f"{program} {' '.join(args)} did not finish in time\n"
                                 f"--- log ---\n{self.log()}") from exc
        if done.returncode != 0:
            raise PostgresFailed(f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                                 f"{done.stdout}{done.stderr}\n--- log ---\n{self.log()}")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private cluster; stopped (immediately) and deleted on leaving."""
    directory = Path(tempfile.mkdtemp(prefix="liancha-pg-"))  # short: the socket's path
    try:
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        cluster = PrivatePostgres(directory)
        cluster.init()
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.kill()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
