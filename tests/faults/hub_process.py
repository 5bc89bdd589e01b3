"""The hub as production runs it: `python -m liancha hub serve` in a child process, set up by
`LIANCHA_*` variables alone, its log in a file (a pipe nobody reads would block it).

`serve_hub` waits (bounded) until `/readyz` answers, and on leaving ends the child it
started, by its own handle, whatever happened.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.faults.private_postgres import free_port

READY_S = 30


@dataclass
class HubProcess:
    url: str
    child: subprocess.Popen
    logfile: Path

    def alive(self) -> bool:
        return self.child.poll() is None

    def log(self, last_lines: int = 150) -> str:
        """The end of its log, without the access log's lines (errors come with their own)."""
        try:
            lines = self.logfile.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return "(no hub log)"
        return "\n".join([line for line in lines if " liancha.access " not in line]
                         [-last_lines:])


@contextmanager
def serve_hub(base: Path, environment: dict[str, str]) -> Iterator[HubProcess]:
    """The hub on a free loopback port with `environment` (LIANCHA_* settings) over a clean
    copy of this process's environment."""
    port = free_port()
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith("LIANCHA_")}
    logfile = base / "hub.log"
    with logfile.open("wb") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "liancha", "hub", "serve"],
            env={**inherited, **environment, "LIANCHA_HOST": "127.0.0.1",
                 "LIANCHA_PORT": str(port), "PYTHONUNBUFFERED": "1"},
            stdout=log, stderr=subprocess.STDOUT)
    hub = HubProcess(f"http://127.0.0.1:{port}", child, logfile)
    try:
        _wait_ready(hub)
        yield hub
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)


def _wait_ready(hub: HubProcess) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if not hub.alive():
            raise AssertionError(f"the hub exited ({hub.child.returncode}):\n{hub.log()}")
        try:
            if requests.get(f"{hub.url}/readyz", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the hub was not ready within {READY_S} s:\n{hub.log()}")
