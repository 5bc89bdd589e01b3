"""Benchmark the certificate QR token: verifications and issues per second on one core.

One thread, pinned to one CPU where the system allows it. Prints tokens verified per second
(valid tokens, and damaged ones, which fail at the signature), tokens issued per second, the
bare Ed25519 verification the token check is built on, and the ratio to the issue's target
(token verification >= 10,000/s per core).

    .venv/bin/python bench/certificate_tokens.py                 # 5 rounds of 20,000
    .venv/bin/python bench/certificate_tokens.py --count 5000 --rounds 3
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from certificates.tokens import (  # noqa: E402  # noqa: E402
    ALTERED,
    VALID,
    Keyring,
    cose,
    issue_token,
    jws,
    keys_from_jwks,
    verify_token,
)
from tests.certificates.tokens.samples import certificate, claims_for  # noqa: E402

TARGET_VERIFY_PER_S = 10_000


def rates(operations: dict[str, Callable[[], object]], count: int,
          rounds: int) -> dict[str, float]:
    """Per operation, the best of `rounds` runs of `count` calls, in calls per second. The
    operations take turns round by round, so that a machine that slows down during the run
    (this one does) weighs on all alike."""
    best = dict.fromkeys(operations, float("inf"))
    for _ in range(rounds):
        for name, operation in operations.items():
            start = time.perf_counter()
            for _ in range(count):
                operation()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: count / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    with tempfile.TemporaryDirectory() as directory:
        keyring = Keyring.create(Path(directory) / "keys")
        old_token = issue_token(keyring, claims_for(certificate(), sequence=1))
        keyring.rotate()
        claims = claims_for(certificate(), sequence=123)
        token = issue_token(keyring, claims)
        keys = keys_from_jwks(keyring.jwks())
        damaged = token[:100] + ("A" if token[100] != "A" else "B") + token[101:]
        assert verify_token(token, keys).status == VALID
        assert verify_token(old_token, keys).status == VALID
        assert verify_token(damaged, keys).status == ALTERED

        jws_token = jws.issue(keyring, claims)  # the first form, still read
        assert verify_token(jws_token, keys).status == VALID
        public_key = keys[keyring.active_kid]
        protected, payload, signature, signing_input = cose._parts(cose.decode_text(token))
        assert signing_input == cose._signing_input(protected, payload)
        # the same verification with a key whose check always passes: what the parsing and
        # the checks around the signature cost, measured directly rather than as the
        # difference of two figures a hundred times larger
        unchecked = {kid: _PassingKey() for kid in keys}
        figures = rates({
            "verify (valid token)": lambda: verify_token(token, keys),
            "verify (token of a retired key)": lambda: verify_token(old_token, keys),
            "verify (altered token)": lambda: verify_token(damaged, keys),
            "verify (first-form JWS token)": lambda: verify_token(jws_token, keys),
            "issue": lambda: issue_token(keyring, claims),
            "bare Ed25519 verify (floor)": lambda: public_key.verify(signature, signing_input),
            "verify without the signature check": lambda: verify_token(token, unchecked),
        }, args.count, args.rounds)

    print(f"certificate tokens, one core, best of {args.rounds} x {args.count:,}, taking turns")
    print(f"token: {len(token)} characters, e.g. {token}")
    for name, per_s in figures.items():
        print(f"  {name:34} {per_s:>10,.0f}/s  {1e6 / per_s:6.1f} us")
    verify_per_s = figures["verify (valid token)"]
    ratio = verify_per_s / TARGET_VERIFY_PER_S
    overhead_us = 1e6 / verify_per_s - 1e6 / figures["bare Ed25519 verify (floor)"]
    verdict = "meets" if ratio >= 1 else "misses"
    over_bare = figures["bare Ed25519 verify (floor)"] / verify_per_s - 1
    alone = figures["bare Ed25519 verify (floor)"] / figures["verify without the signature check"]
    print(f"verification: {ratio:.2f} x the target of {TARGET_VERIFY_PER_S:,}/s ({verdict} it); "
          f"parsing and checks cost {overhead_us:.1f} us over the bare signature check, "
          f"{over_bare:.1%} of it (target <= 10 %)")
    print(f"parsing and checks alone: {1e6 / figures['verify without the signature check']:.1f} us,"
          f" {alone:.1%} of the bare signature check (target <= 10 %)")


class _PassingKey:
    """A public key whose check always passes (the bench's measure of everything else)."""

    def verify(self, signature: bytes, data: bytes) -> None:
        return None


if __name__ == "__main__":
    main()
