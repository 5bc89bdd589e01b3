"""The second half of what `liancha demo` prints: one cross-archive request each from the
app, the kiosk and the national platform, the clerks' steps, and the audit check."""

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import click

from certificates.wording import RECORD_TYPE_WORDS
from liancha.demo_guide import (
    CITIZEN_PURPOSE,
    ConfirmationSample,
    Sample,
    liancha_for_people,
)
from liancha.demo_setup import DEMO_PASSWORD, PLATFORM_CLIENT, DemoCallers

JSON = "-H 'Content-Type: application/json'"
KIOSK_PURPOSE = "退休工龄认定"  # one of the kiosk's purposes (请选择用途)
NATIONAL_PURPOSE = "继承公证（演示）"
ACCEPT_REASON = "材料齐全，予以受理"
ASSIST_NOTE = "已调阅原件核对"
COMPLETE_NOTE = "请到受理窗口领取证明"


def _json(body: dict) -> str:
    return shlex.quote(json.dumps(body, ensure_ascii=False))


def print_surface_steps(hub_url: str, callers: DemoCallers, sample: Sample, citizen: str,
                        reader_url: str, confirmation: Callable[[], None] | None = None
                        ) -> None:
    """Steps 2 to 6; `confirmation` prints step 3 (records to confirm) when the run has a
    person for it."""
    receiving, holding = callers.receiving_archive, sample.holding["code"]
    apply = {"receiving_archive": receiving, "holding_archives": [holding],
             "purpose": CITIZEN_PURPOSE}
    national = {"subject": sample.person, "purpose": NATIONAL_PURPOSE,
                "applicant": {"name": "王律师", "relation": "lawyer"},
                "documents": [{"kind": "id_card", "number": sample.person["id_number"]},
                              {"kind": "letter_of_authorization", "note": "演示委托书"}],
                "receiving_archive": receiving, "holding_archives": [holding]}
    click.echo(
        f"\n2. As {sample.person['name']} in the app (a token from the app's identity "
        f"provider):\n"
        f"  export CITIZEN={citizen}\n"
        f"  curl -s {hub_url}/mobile/api/v1/queries -H \"Authorization: Bearer $CITIZEN\" "
        f"{JSON} -d {_json({'purpose': CITIZEN_PURPOSE})}\n"
        f"Only records in which they are a party come back. Ask {sample.holding['name']} "
        f"({holding}) through {receiving}:\n"
        f"  curl -s {hub_url}/mobile/api/v1/requests -H \"Authorization: Bearer $CITIZEN\" "
        f"{JSON} -d {_json(apply)}\n"
        f"and follow it: curl -s {hub_url}/mobile/api/v1/requests/REQUEST_NO "
        f"-H \"Authorization: Bearer $CITIZEN\"")
    if confirmation is not None:
        confirmation()
    click.echo(
        f"\n4. At the kiosk: open {hub_url}/kiosk/?reader={reader_url} , press 读取身份证 "
        f"(the simulated reader holds {sample.person['name']}'s card). Choose the purpose "
        f"(查询用途) first, under 请选择用途: {KIOSK_PURPOSE} (the kiosk prints and asks "
        f"for nothing without one). Tick the record {kiosk_title(sample)} , then "
        f"申请跨馆调档; 结束服务 ends the session.\n"
        f"\n5. As the national platform (client {PLATFORM_CLIENT}, an RFC 7523 assertion "
        f"for a token):\n"
        f"  export PLATFORM=$(curl -s {hub_url}/national/api/v1/token "
        f"-d grant_type=client_credentials "
        f"-d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer "
        f"-d client_assertion=$({liancha_for_people()} platform assertion --client-id "
        f"{PLATFORM_CLIENT} --key {shlex.quote(str(callers.platform_key))} --audience "
        f"{hub_url}/national/api/v1/token) | {_field('access_token')})\n"
        f"  curl -s {hub_url}/national/api/v1/requests -H \"Authorization: Bearer $PLATFORM\" "
        f"-H 'Idempotency-Key: demo-1' {JSON} -d {_json(national)}\n"
        f"Send it again: the same request comes back and nothing new is filed. Each change "
        f"of state is pushed, signed, to the platform (see its log).")
    print_clerk_api_steps(hub_url, callers, sample)


def print_clerk_api_steps(hub_url: str, callers: DemoCallers, sample: Sample) -> None:
    """Step 6, each clerk's step by API with the body it takes: runnable as printed once
    REQUEST_NO (and, for 协办, QUERY_ID) are filled in from the answers before it."""
    receiving, holding = callers.receiving_clerk(callers.receiving_archive), \
        callers.holding_clerk(sample.holding["code"])
    steps = f"{hub_url}/clerk/api/v1/requests/REQUEST_NO"
    login = f"{hub_url}/clerk/api/v1/login {JSON} -d"
    found = {"outcome": "found", "query_id": "QUERY_ID", "record_ids": [sample.record_id],
             "note": ASSIST_NOTE}
    click.echo(
        f"\n6. The clerks move each request (REQUEST_NO: its request_no): in the workbench "
        f"({hub_url}/workbench/) log in as {receiving} and 受理; as {holding}, 检索本馆, tick "
        f"the records found and 协办：查到（出具证明）; as {receiving} again, 办结. Its "
        f"办理记录 names each step and who took it. Or by the clerk API "
        f"({hub_url}/clerk/docs), a token for each clerk:\n"
        f"  export RECEIVING=$(curl -s {login} "
        f"{_json({'username': receiving, 'password': DEMO_PASSWORD})} | {_field('token')})\n"
        f"  export HOLDING=$(curl -s {login} "
        f"{_json({'username': holding, 'password': DEMO_PASSWORD})} | {_field('token')})\n"
        f"受理 (accept), by {receiving}; {holding} may not (403):\n"
        f"  curl -s -X POST {steps}/accept -H \"Authorization: Bearer $RECEIVING\" {JSON} "
        f"-d {_json({'reason': ACCEPT_REASON})}\n"
        f"检索本馆 (search), by {holding}: QUERY_ID is the query_id it answers, and "
        f"its records include {sample.record_id}:\n"
        f"  curl -s -X POST {steps}/search -H \"Authorization: Bearer $HOLDING\" {JSON} "
        f"-d '{{}}'\n"
        f"协办：查到 (assist, found): {sample.holding['name']} certifies that record in its "
        f"own name:\n"
        f"  curl -s -X POST {steps}/assist -H \"Authorization: Bearer $HOLDING\" {JSON} "
        f"-d {_json(found)}\n"
        f"办结 (complete), by {receiving}, once every archive asked has answered:\n"
        f"  curl -s -X POST {steps}/complete -H \"Authorization: Bearer $RECEIVING\" {JSON} "
        f"-d {_json({'note': COMPLETE_NOTE})}\n"
        f"Each sees only what its role allows; the app shows the citizen no clerk's name.")


def kiosk_title(sample: Sample) -> str:
    """The sample record's line on the kiosk's list (kiosk.js: type, archive, date)."""
    record = sample.record
    kind = RECORD_TYPE_WORDS.get(record["record_type"], record["record_type"])
    return f"{kind}档案 · {sample.holding['name']} · {record.get('event_date') or '日期不详'}"


def _field(name: str) -> str:
    """A pipe's end printing one field of the JSON answer (a token)."""
    return (f"{shlex.quote(sys.executable)} -c \"import json,sys; "
            f"print(json.load(sys.stdin)['{name}'])\"")


def print_confirmation_steps(hub_url: str, callers: DemoCallers, sample: ConfirmationSample,
                             citizen: str) -> None:
    where = sample.archive
    auth = "-H \"Authorization: Bearer $CITIZEN2\""
    click.echo(
        f"\n3. Records to confirm. {sample.person['name']} has records without an id number "
        f"(from before the ID card) that the app cannot be sure are theirs. Their own query "
        f"shows what is surely theirs and says where the others are, without contents:\n"
        f"  export CITIZEN2={citizen}\n"
        f"  curl -s {hub_url}/mobile/api/v1/queries {auth} {JSON} "
        f"-d {_json({'purpose': CITIZEN_PURPOSE})}\n"
        f"`to_confirm` lists {where['name']} ({where['code']}): {sample.count}, and "
        f"`to_confirm_notice` says so in Chinese. One step asks that archive to confirm them "
        f"(QUERY_ID: the answer's query_id):\n"
        f"  curl -s {hub_url}/mobile/api/v1/requests {auth} {JSON} "
        f"-d '{{\"query_id\": \"QUERY_ID\"}}'\n"
        f"In the workbench, {callers.receiving_clerk(where['code'])} accepts it (受理); "
        f"{callers.holding_clerk(where['code'])} opens it: 待核实档案 lists each record "
        f"with the evidence for and against; 确认属于申请人 (by API: GET and POST "
        f"{hub_url}/clerk/api/v1/requests/REQUEST_NO/candidates). Ask again as $CITIZEN2: "
        f"the confirmed records are shown.")


def print_audit_steps(root: Path) -> None:
    database = root / "hub.sqlite"
    edit = (f"import sqlite3; c = sqlite3.connect({str(database)!r}); "
            "c.execute(\\\"UPDATE audit_events SET purpose = '随便看看' WHERE id = 3\\\"); "
            "c.commit()")
    click.echo(
        f"\n7. The audit record (every query, record shown, certificate, login and step, "
        f"chained by hash):\n"
        f"  {liancha_for_people()} audit verify --database-url sqlite:///{database}\n"
        f"says it is intact. Edit one row behind the hub's back:\n"
        f"  {shlex.quote(sys.executable)} -c \"{edit}\"\n"
        f"and the same check names entry 3 as altered.")
