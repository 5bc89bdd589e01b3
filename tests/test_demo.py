"""The README's run command, as a person uses it: start, paste the printed query, stop a node,
ask again, Ctrl-C."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

pytestmark = pytest.mark.slow
NODES = 10


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


def shell(command: str, token: str) -> dict:
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "TOKEN": token})
    return json.loads(done.stdout)


def check_certificate_walkthrough(printed: str, token: str, tmp_path: Path) -> None:
    """Issue from the sample query, open the PDF, scan its QR, revoke, scan again."""
    issue_command = re.search(r"^\s+(curl -s \S+/api/v1/certificates .+)$", printed, re.M)
    certificate = shell(issue_command.group(1), token)
    pdf_path = tmp_path / "c.pdf"
    subprocess.run(["curl", "-s", "-H", f"Authorization: Bearer {token}", "-o",
                    str(pdf_path), certificate["pdf_url"]], check=True, timeout=30)
    document = pypdfium2.PdfDocument(str(pdf_path))
    image = document[len(document) - 1].render(scale=200 / 72).to_pil()
    scanned = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert scanned == [certificate["verify_url"]]
    page = subprocess.run(["curl", "-s", scanned[0]], capture_output=True, text=True,
                          timeout=30).stdout
    assert "有效" in page
    revoke = re.search(r"^\s+(curl -s \S+/revoke .+)$", printed, re.M).group(1)
    shell(revoke.replace("CERTIFICATE_NO", certificate["certificate_no"]), token)
    page = subprocess.run(["curl", "-s", scanned[0]], capture_output=True, text=True,
                          timeout=30).stdout
    assert "已撤销" in page and "演示撤销" in page


def test_the_demo_federation_as_the_readme_tells_it(tmp_path: Path):
    base = free_port_block(NODES + 1)
    demo = subprocess.Popen(
        [sys.executable, "-m", "liancha", "demo", "--dir", str(tmp_path / "demo"),
         "--people", "600", "--hub-port", str(base), "--base-port", str(base + 1)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "".join(output)
            output.append(line)
            if line.startswith("Ctrl-C stops everything"):
                break
        printed = "".join(output)
        token = re.search(r"export TOKEN=(\S+)", printed).group(1)
        query = re.search(r"^\s+(curl -s .+/api/v1/queries .+)$", printed, re.M).group(1)
        archives = re.search(r"records of (\d+) archives", printed)
        assert archives and int(archives.group(1)) >= 3, printed

        answer = shell(query, token)
        assert answer["complete"] is True and len(answer["nodes"]) == NODES
        person = next(p for p in answer["persons"] if p["is_subject"])
        assert len({r["record_id"].split("/")[0] for r in person["records"]}) >= 3
        assert person["explanation"]

        check_certificate_walkthrough(printed, token, tmp_path)

        pid, stopped = re.search(r"kill (\d+) stops (\S+)\)", printed).groups()
        os.kill(int(pid), signal.SIGTERM)
        time.sleep(1)
        started = time.monotonic()
        again = shell(query, token)
        assert time.monotonic() - started < 6  # the hub's overall deadline, and some
        assert again["complete"] is False
        down = [n for n in again["nodes"] if n["status"] != "ok"]
        assert [n["archive"]["name"] for n in down] == [stopped]
        assert down[0]["error"]
    finally:
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=30)
    assert "nothing is left running" in rest
    for port in range(base, base + NODES + 1):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"
