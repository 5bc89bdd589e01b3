"""The README's hub commands, run as printed (in a scratch directory, on a free port): the
keys, the nodes file, `liancha hub serve` (it answers /readyz), a clerk, a citizen token."""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[1] / "README.md"


def the_hub_block() -> list[str]:
    section = README.read_text("utf-8").split("## The hub", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return block.strip().splitlines()


def test_the_readme_hub_commands_work_as_printed(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lines = [line.replace("8100", str(port)) for line in the_hub_block()]
    script = "\n".join(lines)
    serve_at = script.index("liancha hub serve")
    clerk_at = script.index("liancha clerk add")
    setup, serve, rest = script[:serve_at], script[serve_at:clerk_at], script[clerk_at:]
    env = {**os.environ, "PATH": f"{Path(os.sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", "-ec", setup], cwd=tmp_path, env=env, check=True, timeout=60)
    (tmp_path / "serve.sh").write_text("exec " + serve.strip() + "\n", "utf-8")
    log = (tmp_path / "hub.log").open("wb")
    hub = subprocess.Popen(["bash", "serve.sh"], cwd=tmp_path, env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert ready.json() == {"status": "ready"}, (tmp_path / "hub.log").read_text()
        clerk, citizen = rest.strip().split("\n", 1)[0], rest.strip().splitlines()[-1]
        clerk = re.sub(r"\s+#.*$", "", clerk.replace("\\", "")) + " " + \
            rest.splitlines()[1].split("#")[0]
        added = subprocess.run(["bash", "-c", clerk], cwd=tmp_path, env=env, timeout=60,
                               input="a-good-password\na-good-password\n", text=True,
                               capture_output=True)
        assert added.returncode == 0 and "created" in added.stdout, added.stderr
        token = subprocess.run(["bash", "-c", citizen.split("#")[0].replace(
            "5105...", "510502195203040016")], cwd=tmp_path, env=env, timeout=60,
            capture_output=True, text=True)
        assert token.returncode == 0, token.stderr
        archives = requests.get(f"http://127.0.0.1:{port}/mobile/api/v1/archives", timeout=5,
                                headers={"Authorization": f"Bearer {token.stdout.strip()}"})
        assert archives.status_code == 200 and archives.json()[0]["code"] == "510500"
    finally:
        hub.terminate()
        hub.wait(timeout=10)
        log.close()
