"""Run the conformance checks against one node and collect a result per check.

`run_conformance` is the Python API behind `liancha conformance`: it never raises for a
node's misbehaviour (a refused connection, a timeout, an odd answer); each becomes a FAIL.
A check that could not run is a SKIP, counted apart: skips alone do not fail a run, unless
it is strict (`exit_status`), but the summary always shows how many there were.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conformance.checks import CHECKS
from conformance.context import (
    FAIL,
    PASS,
    SKIP,
    Check,
    CheckFailed,
    CheckResult,
    CheckSkipped,
    Context,
)


def run_check(ctx: Context, check: Check) -> CheckResult:
    try:
        return CheckResult(check.name, PASS, check.run(ctx))
    except CheckSkipped as exc:
        return CheckResult(check.name, SKIP, str(exc))
    except CheckFailed as exc:
        return CheckResult(check.name, FAIL, str(exc))
    except requests.RequestException as exc:
        return CheckResult(check.name, FAIL, f"HTTP error: {exc}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return CheckResult(check.name, FAIL, f"unexpected answer: {type(exc).__name__}: {exc}")


def run_conformance(
    base_url: str,
    hub_key: Ed25519PrivateKey | Path | str,
    archive_code: str | None = None,
    timeout: float = 10.0,
    subject: dict[str, str] | None = None,
    checks: Sequence[Check] = CHECKS,
    on_result: Callable[[CheckResult], None] | None = None,
) -> list[CheckResult]:
    """Every check's result, in order; `on_result` sees each as soon as it is known.

    Without `subject`, the checks search for a person found in the node's own answers
    (`conformance.subjects`); the checks that need a record SKIP when none is found.
    """
    from schemas.export import json_schemas
    from schemas.signing import load_private_key

    key = hub_key if isinstance(hub_key, Ed25519PrivateKey) else load_private_key(Path(hub_key))
    results = []
    with requests.Session() as http:
        ctx = Context(base_url, key, timeout, dict(subject) if subject else None, archive_code,
                      http, json_schemas())
        for check in checks:
            result = run_check(ctx, check)
            results.append(result)
            if on_result:
                on_result(result)
    return results


def summary(results: Sequence[CheckResult]) -> str:
    """`12 passed, 0 failed, 2 skipped`: every count, even a zero, so scripts can read it."""
    passed, failed, skipped = (sum(result.status == status for result in results)
                               for status in (PASS, FAIL, SKIP))
    return f"{passed} passed, {failed} failed, {skipped} skipped"


def exit_status(results: Sequence[CheckResult], strict: bool = False) -> int:
    """1 when a check failed, or (strict) could not run; else 0."""
    return int(any(result.failed or (strict and result.skipped) for result in results))
