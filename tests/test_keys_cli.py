"""`liancha keys generate` and `liancha keys rotate` as an operator runs them."""

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from certificates.tokens import (
    VALID,
    CertificateClaims,
    Keyring,
    issue_token,
    keys_from_jwks,
    verify_token,
)
from liancha.keys_cli import keys_group


def test_generate_writes_a_key_pair_and_refuses_to_overwrite(tmp_path: Path):
    runner = CliRunner()
    assert runner.invoke(keys_group, ["generate", str(tmp_path / "k")]).exit_code == 0
    assert (tmp_path / "k" / "private.pem").stat().st_mode & 0o777 == 0o600
    again = runner.invoke(keys_group, ["generate", str(tmp_path / "k")])
    assert again.exit_code != 0 and "--force" in again.output


def test_rotate_retires_the_old_key_whose_tokens_still_verify(tmp_path: Path):
    keyring = Keyring.create(tmp_path / "certificates")
    old_kid = keyring.active_kid
    claims = CertificateClaims("510500-2026-1", date(2026, 11, 25), "A" * 22, "张*华",
                               "510500")
    old_token = issue_token(keyring, claims)
    result = CliRunner().invoke(keys_group, ["rotate", str(tmp_path / "certificates")])
    assert result.exit_code == 0, result.output
    assert f"{old_kid} retired" in result.output
    keyring.reload()
    assert keyring.active_kid != old_kid
    published = keys_from_jwks(keyring.jwks())
    assert verify_token(old_token, published).status == VALID
    assert CliRunner().invoke(keys_group, ["rotate", str(tmp_path / "none")]).exit_code != 0
