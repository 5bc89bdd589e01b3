"""Processes a test starts as production starts them (`liancha hub worker`, `liancha hub
beat`, gunicorn), configured by environment variables alone, each with its log in a file
that a failing test shows; stopped (killed if need be) when the test ends."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Processes:
    """Background processes of one test, stopped (killed if need be) at its end."""

    directory: Path
    environment: dict[str, str]
    started: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        return self.liancha(name, "hub", "worker", f"--concurrency={concurrency}")

    def beat(self) -> subprocess.Popen:
        return self.liancha("beat", "hub", "beat", "--schedule",
                            str(self.directory / "beat-schedule"))

    def hub_under_gunicorn(self, name: str = "hub") -> subprocess.Popen:
        """The hub as production serves it (deploy/gunicorn.conf.py; LIANCHA_HOST, _PORT,
        _WORKERS and _THREADS from the environment)."""
        return self.start(name, [sys.executable, "-m", "gunicorn", "-c",
                                 str(ROOT / "deploy" / "gunicorn.conf.py"),
                                 "federation.app:create_app()"])

    def liancha(self, name: str, *arguments: str) -> subprocess.Popen:
        return self.start(name, [sys.executable, "-m", "liancha", *arguments])

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{self.log(name)[-6000:]}"
                         for name, _ in self.started)

    def stop(self) -> None:
        for _, process in self.started:
            if process.poll() is None:
                process.terminate()
        for _, process in self.started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("ab")
        process = subprocess.Popen(command, cwd=ROOT,
                                   env={**os.environ, **self.environment}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.started.append((name, process))
        return process


@contextmanager
def background(directory: Path, environment: dict[str, str]) -> Iterator[Processes]:
    processes = Processes(directory, environment)
    try:
        yield processes
    except BaseException:
        print(processes.logs())  # shown with the failure
        raise
    finally:
        processes.stop()


def pool_children(worker: subprocess.Popen) -> list[int]:
    """The pids of a prefork worker's pool processes."""
    found = []
    for task in Path(f"/proc/{worker.pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(pid) for pid in children]
    return found


def wait_for(condition: Callable[[], object], timeout_s: float, what: str,
             every_s: float = 0.05) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every_s)
    raise AssertionError(f"{what}: not within {timeout_s} s")
