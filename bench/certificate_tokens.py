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


def rate(operation: Callable[[], object], count: int, rounds: int) -> float:
    """Best of `rounds` runs of `count` calls, in calls per second."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            operation()
        best = min(best, time.perf_counter() - start)
    return count / best


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
        protected, payload, signature = cose._parts(cose.decode_text(token))
        signing_input = cose._signing_input(protected, payload)
        n, r = args.count, args.rounds
        figures = {
            "verify (valid token)": rate(lambda: verify_token(token, keys), n, r),
            "verify (token of a retired key)": rate(lambda: verify_token(old_token, keys), n, r),
            "verify (altered token)": rate(lambda: verify_token(damaged, keys), n, r),
            "verify (first-form JWS token)": rate(lambda: verify_token(jws_token, keys), n, r),
            "issue": rate(lambda: issue_token(keyring, claims), n, r),
            "bare Ed25519 verify (floor)": rate(
                lambda: public_key.verify(signature, signing_input), n, r),
        }

    print(f"certificate tokens, one core, best of {r} x {n:,}")
    print(f"token: {len(token)} characters, e.g. {token}")
    for name, per_s in figures.items():
        print(f"  {name:34} {per_s:>10,.0f}/s  {1e6 / per_s:6.1f} us")
    verify_per_s = figures["verify (valid token)"]
    ratio = verify_per_s / TARGET_VERIFY_PER_S
    overhead_us = 1e6 / verify_per_s - 1e6 / figures["bare Ed25519 verify (floor)"]
    verdict = "meets" if ratio >= 1 else "misses"
    over_bare = figures["bare Ed25519 verify (floor)"] / verify_per_s - 1
    print(f"verification: {ratio:.2f} x the target of {TARGET_VERIFY_PER_S:,}/s ({verdict} it); "
          f"parsing and checks cost {overhead_us:.1f} us over the bare signature check, "
          f"{over_bare:.1%} of it (target <= 10 %)")


if __name__ == "__main__":
    main()
