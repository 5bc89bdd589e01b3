"""A no-record certificate (无档案记载证明) comes only from completing a request, and says
exactly what was searched: every record type and year (均未发现), or the request's narrower
scope, in its text, its registry entry, its signed digest and its verification."""

import io
import json

from pypdf import PdfReader

from certificates.tokens import token_from_url
from tests.federation.conftest import hub_with_node_down
from tests.federation.workbench.conftest import COUNTER, NOBODY, bearer, login, post
from tests.nodes.people import id18


def completed_with_nothing(client, subject: dict, **request: object) -> dict:  # type: ignore[no-untyped-def]
    """A counter request for `subject` no archive finds anything for, completed."""
    wang, chen, liu = login(client, "wang"), login(client, "chen"), login(client, "liu")
    number = post(client, "/requests", wang, {**COUNTER, "subject": subject, **request}
                  ).json["request_no"]
    post(client, f"/requests/{number}/accept", wang)
    for clerk in (chen, liu):
        assert post(client, f"/requests/{number}/assist", clerk,
                    {"outcome": "not_found"}).status_code == 200
    everywhere = post(client, f"/requests/{number}/search", wang).json
    return post(client, f"/requests/{number}/complete", wang,
                {"query_id": everywhere["query_id"]}).json


def registry(client, number: str) -> dict:  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/certificates/{number}",
                      headers=bearer(login(client, "wang"))).json


def text_of(client, number: str) -> str:  # type: ignore[no-untyped-def]
    pdf = client.get(f"/api/v1/certificates/{number}/pdf",
                     headers=bearer(login(client, "wang"))).data
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_search_of_everything_says_nothing_was_found_anywhere(client):
    done = completed_with_nothing(client, NOBODY)
    [number] = done["certificate_nos"]
    entry = registry(client, number)
    assert entry["kind"] == "no_record"
    assert entry["scope"]["text"] == "馆藏档案" and entry["scope"]["event_date_from"] is None
    assert "均未发现有关申请人的档案记载" in text_of(client, number).replace("\n", "")


def test_a_narrower_request_says_exactly_what_it_searched(client):
    done = completed_with_nothing(client, NOBODY, record_types=["marriage"])
    [number] = done["certificate_nos"]
    entry = registry(client, number)
    assert entry["scope"] == {"record_types": ["marriage"], "event_date_from": None,
                              "event_date_to": None, "text": "馆藏婚姻登记档案（不限年份）"}
    text = text_of(client, number).replace("\n", "")
    assert "馆藏婚姻登记档案（不限年份）中查询" in text and "均未发现" not in text
    assert "本证明仅对上述查询范围有效" in text
    # the verification says so too, from the registry the signed digest covers
    verified = client.post("/api/v1/verify", json={"url": entry["verify_url"]}).json
    assert verified["status"] == "valid"
    assert verified["certificate"]["scope"]["text"] == "馆藏婚姻登记档案（不限年份）"
    page = client.get(f"/v/{token_from_url(entry['verify_url'])}").get_data(as_text=True)
    assert "查询范围" in page and "馆藏婚姻登记档案（不限年份）" in page
    assert "证明仅对此范围有效" in page


def test_the_scope_is_part_of_the_signed_content(client, hub):
    done = completed_with_nothing(client, NOBODY, record_types=["marriage"])
    [number] = done["certificate_nos"]
    with hub.extensions["liancha.db"].session() as session:
        from certificates.models import Certificate

        row = session.get(Certificate, number)
        content = json.loads(row.content)
        assert content["scope"]["record_types"] == ["marriage"]
        row.content = json.dumps({**content, "scope": {**content["scope"], "record_types": [
            "marriage", "forestry_right", "sent_down_youth", "employment"]}},
            ensure_ascii=False, sort_keys=True)
        from certificates.tokens import content_digest

        row.content_digest = content_digest(json.loads(row.content))
        session.commit()
    # the registry now claims a wider search than the token's digest: altered
    entry = registry(client, number)
    assert client.post("/api/v1/verify", json={"url": entry["verify_url"]}).json[
        "status"] == "altered"


def test_an_archive_that_did_not_answer_stops_a_no_record_certificate(
        client, federation, nodes, database_url, tmp_path):
    down = hub_with_node_down(federation, nodes, database_url, tmp_path, index=2)  # 江津
    wang, chen, liu = login(down, "wang"), login(down, "chen"), login(down, "liu")
    number = post(down, "/requests", wang, {**COUNTER, "subject": NOBODY}).json["request_no"]
    post(down, f"/requests/{number}/accept", wang)
    for clerk in (chen, liu):
        post(down, f"/requests/{number}/assist", clerk, {"outcome": "not_found"})
    everywhere = post(down, f"/requests/{number}/search", wang).json
    assert everywhere["complete"] is False
    refused = post(down, f"/requests/{number}/complete", wang,
                   {"query_id": everywhere["query_id"]})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "重庆市江津区档案馆" in refused.json["detail"]


def test_a_name_no_font_can_print_is_refused_with_a_clear_error(client):
    unprintable = {"id_number": id18("11010519500101003"), "name": "张\ue000"}
    done = completed_with_nothing(client, unprintable)
    assert done["status"] == 422 and "U+E000" in done["errors"]["subject.name"][0]
