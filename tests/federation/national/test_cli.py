"""`liancha platform`: register a client on the hub's database, list it, print a client
assertion that the hub exchanges for a token (the README walkthrough), deactivate it."""

import jwt
from click.testing import CliRunner

from liancha.cli import main
from schemas.signing import generate_key_pair, load_public_key
from tests.federation.national.conftest import API


def test_register_list_assert_and_deactivate(make_hub, database_url: str, tmp_path):
    private, public = generate_key_pair(tmp_path / "client")
    runner = CliRunner()
    registered = runner.invoke(main, [
        "platform", "register", "--database-url", database_url, "--client-id", "nprs",
        "--name", "全国档案查询利用服务平台", "--public-key", str(public),
        "--callback-url", "https://1.2.3.4/callbacks"])
    assert registered.exit_code == 0, registered.output
    listed = runner.invoke(main, ["platform", "list", "--database-url", database_url])
    assert listed.output.splitlines() == [
        "nprs\tactive\thttps://1.2.3.4/callbacks\t全国档案查询利用服务平台"]
    again = runner.invoke(main, [
        "platform", "register", "--database-url", database_url, "--client-id", "nprs",
        "--name", "again", "--public-key", str(public)])
    assert again.exit_code != 0 and "already registered" in again.output
    not_ed25519 = tmp_path / "rsa.pem"
    not_ed25519.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    bad = runner.invoke(main, [
        "platform", "register", "--database-url", database_url, "--client-id", "other",
        "--name", "x", "--public-key", str(not_ed25519)])
    assert bad.exit_code != 0 and "public_key" in bad.output

    hub = make_hub().test_client()  # the same database
    audience = f"https://hub.example.org{API}/token"
    printed = runner.invoke(main, ["platform", "assertion", "--client-id", "nprs",
                                   "--key", str(private), "--audience", audience])
    assert printed.exit_code == 0
    assertion = printed.output.strip()
    claims = jwt.decode(assertion, load_public_key(public), algorithms=["EdDSA"],
                        audience=audience)
    assert claims["iss"] == claims["sub"] == "nprs" and claims["exp"] - claims["iat"] == 60
    form = {"grant_type": "client_credentials", "client_assertion": assertion,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    assert hub.post(f"{API}/token", data=form).status_code == 200

    deactivated = runner.invoke(main, ["platform", "deactivate", "--database-url",
                                       database_url, "--client-id", "nprs"])
    assert deactivated.exit_code == 0
    assert "\tinactive\t" in runner.invoke(main, ["platform", "list", "--database-url",
                                                  database_url]).output
    fresh = runner.invoke(main, ["platform", "assertion", "--client-id", "nprs",
                                 "--key", str(private), "--audience", audience]).output.strip()
    assert hub.post(f"{API}/token", data={**form, "client_assertion": fresh}).status_code == 401
    too_long = runner.invoke(main, ["platform", "assertion", "--client-id", "nprs", "--key",
                                    str(private), "--audience", audience, "--lifetime", "301"])
    assert too_long.exit_code != 0
