"""`liancha demo` stops every process it started, whatever happens to its terminal: Ctrl-C
after the pipe its output went to is gone (`liancha demo | tee log`), SIGTERM, and being
killed outright (its children die with it)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_demo import NODES, free_port_block

pytestmark = pytest.mark.slow


def start(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    base = free_port_block(NODES + 3)
    demo = subprocess.Popen(
        [sys.executable, "-m", "liancha", "demo", "--dir", str(tmp_path / "demo"),
         "--people", "150", "--hub-port", str(base), "--base-port", str(base + 1),
         "--reader-port", str(base + NODES + 1), "--sink-port", str(base + NODES + 2)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = demo.stdout.readline()
        assert line, "the demo ended before it was up"
        if line.startswith(("Ctrl-C stops everything", "(no generated person")):
            return demo, base
    raise AssertionError("the demo did not come up")


def answering(base: int) -> list[int]:
    """The demo's ports something still listens on."""
    found = []
    for port in range(base, base + NODES + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                found.append(port)
    return found


def wait_quiet(base: int, within_s: float) -> list[int]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and answering(base):
        time.sleep(0.3)
    return answering(base)


def test_ctrl_c_after_the_output_pipe_is_gone_stops_everything(tmp_path):
    demo, base = start(tmp_path)
    assert answering(base)  # the hub and the nodes are up
    demo.stdout.close()  # `tee` ended: whatever the demo says now goes nowhere
    demo.send_signal(signal.SIGINT)
    assert demo.wait(timeout=30) == 0
    assert wait_quiet(base, 5) == []


def test_sigterm_stops_everything(tmp_path):
    demo, base = start(tmp_path)
    demo.send_signal(signal.SIGTERM)
    demo.wait(timeout=30)
    assert wait_quiet(base, 5) == []


def test_children_die_with_a_killed_demo(tmp_path):
    demo, base = start(tmp_path)
    os.kill(demo.pid, signal.SIGKILL)  # no chance to stop anything itself
    demo.wait(timeout=10)
    assert wait_quiet(base, 15) == []
