"""Run the conformance checks against one node and collect a result per check.

`run_conformance` is the Python API behind `liancha conformance`: it never raises for a
node's misbehaviour (a refused connection, a timeout, an odd answer); each becomes a FAIL.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conformance.checks import CHECKS
from conformance.context import DEFAULT_SUBJECT, Check, CheckFailed, CheckResult, Context


def run_check(ctx: Context, check: Check) -> CheckResult:
    try:
        return CheckResult(check.name, True, check.run(ctx))
    except CheckFailed as exc:
        return CheckResult(check.name, False, str(exc))
    except requests.RequestException as exc:
        return CheckResult(check.name, False, f"HTTP error: {exc}")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return CheckResult(check.name, False, f"unexpected answer: {type(exc).__name__}: {exc}")


def run_conformance(
    base_url: str,
    hub_key: Ed25519PrivateKey | Path | str,
    archive_code: str | None = None,
    timeout: float = 10.0,
    subject: dict[str, str] | None = None,
    checks: Sequence[Check] = CHECKS,
    on_result: Callable[[CheckResult], None] | None = None,
) -> list[CheckResult]:
    """Every check's result, in order; `on_result` sees each as soon as it is known."""
    from schemas.export import json_schemas
    from schemas.signing import load_private_key

    key = hub_key if isinstance(hub_key, Ed25519PrivateKey) else load_private_key(Path(hub_key))
    results = []
    with requests.Session() as http:
        ctx = Context(base_url, key, timeout, dict(subject or DEFAULT_SUBJECT), archive_code,
                      http, json_schemas())
        for check in checks:
            result = run_check(ctx, check)
            results.append(result)
            if on_result:
                on_result(result)
    return results


def summary(results: Sequence[CheckResult]) -> str:
    failed = sum(not result.passed for result in results)
    return f"{len(results) - failed} passed, {failed} failed"
