"""`liancha demo-nested` as the README tells it: the archives' nodes under two regional hubs
under an upper hub, real processes over HTTP; a query at the top assembles one person from
archives under both regional hubs, and the archives that do not hold them are not called."""

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.test_demo import NODES, free_port_block


def test_the_nested_federation_as_the_readme_tells_it(tmp_path: Path) -> None:
    base = free_port_block(NODES + 11)
    demo = subprocess.Popen(
        [sys.executable, "-m", "liancha", "demo-nested", "--dir", str(tmp_path / "nested"),
         "--people", "600", "--hub-port", str(base), "--base-port", str(base + 11)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "".join(output)
            output.append(line)
            if "Ctrl-C stops everything" in line:
                break
        printed = "".join(output)
        # the curl it prints, as a person would paste it
        curl = re.search(r"(curl -s .*?-d '.*?')\n", printed.replace("\\\n", ""), re.S)
        assert curl, printed
        answer = json.loads(subprocess.run(["bash", "-c", curl.group(1)], capture_output=True,
                                           text=True, timeout=60, check=True).stdout)
        assert answer["complete"] is True and len(answer["nodes"]) == NODES
        via = {n["archive"]["code"]: n["via"][0]["code"] for n in answer["nodes"]}
        assert via == {code: ("510000" if code.startswith("51") else "500000") for code in via}
        person = next(p for p in answer["persons"] if p["is_subject"])
        held = {r["record_id"].split("/")[0] for r in person["records"]}
        assert {code[:2] for code in held} == {"50", "51"}  # under both regional hubs
        # the node logs, read here: only the archives that may hold the subject searched
        logs = tmp_path / "nested" / "logs"
        searched = {code for code in via if answer["query_id"] in
                    (logs / f"node-{code}.log").read_text("utf-8", "replace")}
        statuses = {n["archive"]["code"]: n["status"] for n in answer["nodes"]}
        assert searched == {code for code, status in statuses.items() if status == "ok"}
        assert held <= searched and len(searched) < NODES
        assert {code for code, s in statuses.items() if s == "not_held"} == set(via) - searched
    finally:
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=60)
    assert demo.returncode == 0, rest
    assert "stopped; nothing is left running." in rest
