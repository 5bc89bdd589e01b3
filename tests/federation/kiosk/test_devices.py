"""Registering kiosk devices (`liancha kiosk register`), and the simulated ID-card reader."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
import requests
from click.testing import CliRunner
from sqlalchemy.orm import Session

from accounts.kiosks import CARD_AUDIENCE, register_device
from accounts.models import KioskDevice
from kiosk_api.reader import create_reader_app
from liancha.cli import main
from runtime.database import make_engine
from runtime.errors import InvalidInput
from schemas.signing import generate_key_pair, load_private_key, load_public_key
from tests.federation.kiosk.conftest import ZHANG

HUB = "http://127.0.0.1:8100"


def kiosk_cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["kiosk", *args])


def device(database_url: str, device_id: str) -> KioskDevice | None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        found = session.get(KioskDevice, device_id)
    engine.dispose()
    return found


def test_the_cli_registers_replaces_and_deactivates_a_device(database_url, tmp_path: Path,
                                                             nodes):
    _, public = generate_key_pair(tmp_path / "device")
    _, other_public = generate_key_pair(tmp_path / "device-2")
    base = ["--database-url", database_url, "--device-id", "LZ-HALL-09",
            "--location", "泸州市政务服务中心二楼"]
    first = kiosk_cli("register", *base, "--archive", "510500", "--public-key", str(public))
    assert first.exit_code == 0, first.output
    assert "not checked against the federation" in first.stderr
    registered = device(database_url, "LZ-HALL-09")
    assert registered.archive_code == "510500" and registered.active
    assert registered.public_key == public.read_text()

    again = kiosk_cli("register", *base, "--archive", "510500", "--public-key",
                      str(other_public))
    assert again.exit_code != 0 and "already registered" in again.output
    nodes_file = str(nodes[0] / "nodes.yaml")
    outside = kiosk_cli("register", *base, "--archive", "110000", "--public-key",
                        str(other_public), "--nodes", nodes_file, "--replace")
    assert outside.exit_code != 0 and "not in this federation" in outside.output
    replaced = kiosk_cli("register", *base, "--archive", "500118", "--public-key",
                         str(other_public), "--nodes", nodes_file, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert device(database_url, "LZ-HALL-09").public_key == other_public.read_text()

    assert kiosk_cli("deactivate", "--database-url", database_url,
                     "--device-id", "LZ-HALL-09").exit_code == 0
    assert not device(database_url, "LZ-HALL-09").active
    missing = kiosk_cli("deactivate", "--database-url", database_url, "--device-id", "nope")
    assert missing.exit_code != 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"device_id": "bad id!"}, "device_id"),
    ({"archive_code": "5105"}, "archive"),
    ({"archive_code": "110000"}, "archive"),
    ({"location": " "}, "location"),
    ({"public_key_pem": "-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----"},
     "public_key"),
])
def test_registration_is_checked(federation, tmp_path: Path, changes: dict, field: str):
    _, public = generate_key_pair(tmp_path / "device")
    values = {"device_id": "LZ-HALL-03", "archive_code": "510500", "location": "泸州",
              "public_key_pem": public.read_text(), **changes}
    app = federation.hub.application
    with app.extensions["liancha.db"].session() as session, pytest.raises(InvalidInput) as err:
        register_device(session, known_archives={"510500", "500118", "500116"}, **values)
    assert field in err.value.errors


def test_the_simulated_reader_signs_the_card_for_the_hubs_page_only(tmp_path: Path):
    private, public = generate_key_pair(tmp_path / "device")
    reader = create_reader_app("LZ-HALL-01", load_private_key(private), HUB + "/kiosk/",
                               ZHANG).test_client()
    status = reader.get("/")
    assert status.json["device_id"] == "LZ-HALL-01" and status.json["hub_origin"] == HUB

    read = reader.post("/read", headers={"Origin": HUB})
    assert read.headers["Access-Control-Allow-Origin"] == HUB
    claims = jwt.decode(read.json["assertion"], load_public_key(public), algorithms=["EdDSA"],
                        audience=CARD_AUDIENCE)
    assert (claims["iss"], claims["sub"]) == ("LZ-HALL-01", "LZ-HALL-01")
    assert (claims["id_number"], claims["name"]) == (ZHANG.id_number, ZHANG.name)
    assert 0 < claims["exp"] - claims["iat"] <= 60 and claims["iat"] <= time.time() + 1
    again = reader.post("/read", headers={"Origin": HUB})
    assert jwt.decode(again.json["assertion"], options={"verify_signature": False})["jti"] \
        != claims["jti"]

    preflight = reader.options("/read", headers={
        "Origin": HUB, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    elsewhere = reader.post("/read", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in elsewhere.headers



def test_liancha_kiosk_reader_serves_the_card_over_http(tmp_path: Path):
    private, public = generate_key_pair(tmp_path / "device")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "liancha", "kiosk", "reader", "--device-id", "LZ-HALL-01",
         "--key", str(private), "--hub-url", HUB, "--port", str(port),
         "--card-id-number", ZHANG.id_number, "--card-name", ZHANG.name],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status = requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("the reader did not start")
        assert status.json()["device_id"] == "LZ-HALL-01"
        read = requests.post(url + "/read", headers={"Origin": HUB}, timeout=5)
        assert read.headers["Access-Control-Allow-Origin"] == HUB
        claims = jwt.decode(read.json()["assertion"], load_public_key(public),
                            algorithms=["EdDSA"], audience=CARD_AUDIENCE)
        assert claims["name"] == "张国华"
    finally:
        process.terminate()
        process.wait(timeout=10)
