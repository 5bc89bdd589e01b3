"""Start, watch and stop the federation's processes for `liancha demo`.

Every child runs in its own process group, so that Ctrl-C (or any exit of the
supervisor) stops it and everything it started: nothing is left running. Stopping comes
before anything is said about it (the terminal, or the pipe the output went to, may be gone
already: `liancha demo | tee log` and Ctrl-C), a second signal does not interrupt it, and a
child is told by the kernel to stop should the supervisor itself be killed (Linux's
parent-death signal).
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

PR_SET_PDEATHSIG = 1


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end the supervisor like Ctrl-C, so its children are stopped too."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)


def say(text: str, err: bool = False) -> None:
    """Print, unless the output is gone (a closed pipe, a closed terminal): then nothing."""
    stream = sys.stderr if err else sys.stdout
    try:
        print(text, file=stream, flush=True)
    except (BrokenPipeError, OSError, ValueError):
        pass


def _die_with(parent: int) -> None:
    """In the child, before it runs: stop (SIGTERM) when the supervisor dies, whatever kills
    it; and stop now if it already has."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the process group still stops it
        return
    if os.getppid() != parent:
        os._exit(1)


@dataclass
class Supervisor:
    log_dir: Path
    children: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives with the child
        parent = os.getpid()
        child = subprocess.Popen(
            list(argv), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})}, preexec_fn=lambda: _die_with(parent),
        )
        self.children.append((name, child))

    def wait_ready(self, name: str, url: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        child = dict(self.children)[name]
        while time.monotonic() < deadline:
            if child.poll() is not None:
                raise RuntimeError(f"{name} exited with {child.returncode}; "
                                   f"see {self.log_dir / (name + '.log')}")
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} was not ready at {url} within {timeout_s:.0f} s")

    def pid(self, name: str) -> int:
        return dict(self.children)[name].pid

    def watch(self, essential: str) -> None:
        """Block until Ctrl-C, SIGTERM or SIGHUP, saying when a child stops; return if
        `essential` stops.

        Other children may be stopped on purpose (to see how the rest copes with it). The
        signals only set a flag here, read between polls: an exception raised inside
        `Popen.poll` can leave the child's wait lock held, and the `wait` that stopping
        it needs would then block for ever (it happened: a SIGTERM left the demo hanging)."""
        signalled: list[int] = []
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, lambda signum, _frame: signalled.append(signum))
        reported: set[str] = set()
        while not signalled:
            for name, child in self.children:
                if child.poll() is not None and name not in reported:
                    reported.add(name)
                    say(f"{name} stopped (exit code {child.returncode}; log: "
                        f"{self.log_dir / (name + '.log')})", err=True)
                    if name == essential:
                        return
            time.sleep(0.5)

    def run(self, start: Callable[[], None], essential: str) -> None:
        """Run `start` (start the children, print the way), then watch them until Ctrl-C,
        SIGTERM or SIGHUP, or until `essential` exits; then stop every child, whatever
        happened, and say so. Stopping comes first: after a Ctrl-C the output may be gone
        (`| tee` ended with it)."""
        stop_on_signals()
        try:
            start()
            self.watch(essential=essential)
        except KeyboardInterrupt:
            pass
        finally:
            say("\nstopping ...")
            self.stop()
            say("stopped; nothing is left running.")

    def stop(self) -> None:
        """Stop every child (SIGTERM, then SIGKILL after 10 s); signals wait until done."""
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_IGN)
        for _, child in self.children:
            if child.poll() is None:
                _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, child in self.children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.pid, signal.SIGKILL)
                try:  # bounded: never hang the supervisor on one child
                    child.wait(5)
                except subprocess.TimeoutExpired:
                    pass


def _signal_group(pid: int, number: int) -> None:
    try:
        os.killpg(pid, number)
    except ProcessLookupError:
        pass
