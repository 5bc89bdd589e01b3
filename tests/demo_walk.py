"""Reading what `liancha demo` printed and doing what it says, for tests/test_demo.py."""

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import requests

PASSWORD = "liancha-demo"


class Walkthrough:
    def __init__(self, printed: str, root: Path) -> None:
        self.printed, self.root = printed, root
        self.hub_url = re.search(r"hub API\s+(\S+)/docs", printed).group(1)
        self.kiosk_url = re.search(r"kiosk page\s+(\S+)", printed).group(1)
        asked = re.search(r"Ask (\S+) \((\d{6})\) through (\d{6})", printed)
        self.holding_name, self.holding, self.receiving = asked.groups()
        self.receiving_name = re.search(rf"^  {self.receiving} (\S+)\s+pid", printed,
                                        re.M).group(1)
        self.kiosk_purpose = re.search(r"under 请选择用途: (\S+) ", printed).group(1)
        self.kiosk_record = re.search(r"Tick the record (.+?) , then", printed).group(1)

    def export(self, name: str) -> str:
        return re.search(rf"export {name}=(\S+)", self.printed).group(1)

    def command(self, fragment: str) -> str:
        """The first indented command line that contains `fragment`."""
        return next(line.strip() for line in self.printed.splitlines()
                    if line.startswith("  ") and fragment in line)

    def citizen_request(self, shell: Callable[..., str]) -> dict:
        citizen = self.export("CITIZEN")
        mine = json.loads(shell(self.command("/mobile/api/v1/queries "), CITIZEN=citizen))
        assert mine["records"], mine  # their own records, and only theirs
        return json.loads(shell(self.command("/mobile/api/v1/requests "), CITIZEN=citizen))

    def ask_to_confirm(self, shell: Callable[..., str]) -> tuple[dict, dict]:
        """Step 3: the second person's own query offers records of one archive to confirm;
        one step files the request. (Their answer, the request.)"""
        citizen = self.export("CITIZEN2")
        mine = json.loads(shell(self.command("Bearer $CITIZEN2\" -H 'Content-Type: "
                                             "application/json' -d '{\"purpose\""),
                                CITIZEN2=citizen))
        assert mine["to_confirm"] and mine["to_confirm_notice"] == \
            "在以下档案馆还有可能属于您的档案，需要工作人员核实", mine
        request = self.command("requests -H \"Authorization: Bearer $CITIZEN2")
        filed = json.loads(shell(request.replace("QUERY_ID", mine["query_id"]),
                                 CITIZEN2=citizen))
        assert filed["state"] == "applied", filed
        return mine, filed

    def accept_as(self, username: str, number: str) -> None:
        assert self._post(self._login(username), number, "accept").status_code == 200

    def ask_again(self, shell: Callable[..., str]) -> dict:
        return json.loads(shell(self.command("Bearer $CITIZEN2\" -H 'Content-Type: "
                                             "application/json' -d '{\"purpose\""),
                                CITIZEN2=self.export("CITIZEN2")))

    def citizen_progress(self, number: str) -> dict:
        return requests.get(f"{self.hub_url}/mobile/api/v1/requests/{number}", timeout=30,
                            headers={"Authorization": f"Bearer {self.export('CITIZEN')}"}
                            ).json()

    def national_request(self, shell: Callable[..., str]) -> tuple[dict, dict]:
        """Submitted twice under the same Idempotency-Key: (first answer, second answer)."""
        token = shell(f"{self.command('export PLATFORM=')}; echo \"$PLATFORM\"").strip()
        submit = self.command("/national/api/v1/requests ")
        return (json.loads(shell(submit, PLATFORM=token)),
                json.loads(shell(submit, PLATFORM=token)))

    def clerks_complete(self, number: str, shell: Callable[..., str]) -> None:
        """Step 6 as printed, for one request: each clerk's token, 受理 by the receiving
        archive (not by the holding one), 检索本馆 and 协办：查到 by the holding one, 办结 by
        the receiving one; REQUEST_NO and QUERY_ID filled in from the answers."""
        tokens = {name: shell(f"{self.command(f'export {name}=')}; echo \"${name}\"").strip()
                  for name in ("RECEIVING", "HOLDING")}
        assert self._post(tokens["HOLDING"], number, "accept").status_code == 403

        def step(name: str, query_id: str = "") -> dict:
            line = self.command(f"/REQUEST_NO/{name} ").replace("REQUEST_NO", number)
            answer = json.loads(shell(line.replace("QUERY_ID", query_id), **tokens))
            assert "status" not in answer, (line, answer)  # not a problem+json
            return answer

        assert step("accept")["state"] == "accepted"
        found = step("search")
        record_id = re.search(r'"record_ids": \["([^"]+)"\]', self.printed).group(1)
        assert record_id in {r["record_id"] for r in found["records"]}, found
        assisted = step("assist", found["query_id"])
        part = next(p for p in assisted["holding_archives"] if p["code"] == self.holding)
        assert part["state"] == "found" and part["certificate_no"], assisted
        done = step("complete")
        assert done["state"] == "completed" and done["certificate_nos"], done

    def check_callbacks(self, number: str) -> None:
        log = self.root / "logs" / "platform-sink.log"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lines = [line for line in log.read_text("utf-8").splitlines() if number in line]
            if any("complete -> completed" in line for line in lines):
                break
            time.sleep(0.5)
        actions = [re.search(r": \S+ (\w+) ->", line).group(1) for line in lines]
        assert actions == ["apply", "accept", "assist", "complete"], lines
        assert all("signature ok" in line for line in lines)

    def _login(self, username: str) -> str:
        answer = requests.post(f"{self.hub_url}/clerk/api/v1/login", timeout=30,
                               json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return answer.json()["token"]

    def _post(self, token: str, number: str, step: str, body: dict | None = None
              ) -> requests.Response:
        return requests.post(f"{self.hub_url}/clerk/api/v1/requests/{number}/{step}",
                             json=body or {}, timeout=60,
                             headers={"Authorization": f"Bearer {token}"})
