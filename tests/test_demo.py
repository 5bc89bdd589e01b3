"""The README's run command, as a person uses it: start, paste the printed queries, Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port_block(size: int) -> int:
    for base in range(20000 + (os.getpid() % 50) * 200, 60000, 37):
        sockets = []
        try:
            for port in range(base, base + size):
                probe = socket.socket()
                probe.bind(("127.0.0.1", port))
                sockets.append(probe)
            return base
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()
    raise RuntimeError("no free block of ports")


def test_demo_serves_generated_data_answers_the_printed_queries_and_stops(tmp_path: Path):
    base = free_port_block(10)
    demo = subprocess.Popen(
        [sys.executable, "-m", "liancha", "demo", "--dir", str(tmp_path / "demo"),
         "--people", "300", "--base-port", str(base)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "".join(output)
            output.append(line)
            if line.startswith("Ctrl-C stops every node"):
                break
        printed = "".join(output)
        assert "http://127.0.0.1:" in printed and "/docs" in printed
        queries = re.findall(r"^# (.+?) \(expect (\S+)\)\n(curl .+)$", printed, re.M)
        assert len(queries) == 2, printed
        for title, expected, command in queries:
            answer = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                    timeout=30)
            assert expected in answer.stdout, (title, command, answer.stdout, answer.stderr)
        assert "id_number_15" in subprocess.run(["bash", "-c", queries[0][2]],
                                                capture_output=True, text=True).stdout
    finally:
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=30)
    assert "nothing is left running" in rest
    for port in range(base, base + 10):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"
