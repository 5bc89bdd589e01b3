"""Schemathesis over one OpenAPI document, operation by operation, keeping every failure.

`fuzz` loads a document from its app (WSGI, in process), and for each operation runs a
bounded, deterministic Hypothesis search over five kinds of cases: positive ones (valid by
the document), negative ones (invalid in one place), positive ones aimed at the real
objects of the test's world (`Surface.known` path parameters), and, around a call that
succeeds (`Surface.valid`), that call and generated bodies laid over its body; so the
handlers behind the 404s and 422s run too, and their successful answers are checked. Every
case goes out with the surface's credentials (fresh per call where a credential is
single-use) and its answer is checked; a failing case does not stop the search, and the
failures are kept per operation, one per kind, for the test to report.
"""

import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import product

from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import (
    APIOperation,
    Case,
    CheckContext,
    CheckFunction,
    Config,
    GenerationMode,
    Response,
    openapi,
)
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)


def status_documented_explicitly(ctx: CheckContext, response: Response, case: Case) -> None:
    """The status is one the operation lists. schemathesis' `status_code_conformance` is
    content with the `default` response flask-smorest gives every operation, which would
    let any status through; a server error is `not_a_server_error`'s to report."""
    documented = case.operation.definition.raw.get("responses", {})
    status = response.status_code
    if status < 500 and str(status) not in documented:
        raise AssertionError(f"{status} is not among the statuses documented for "
                             f"{case.operation.label}: {', '.join(sorted(documented))}")


CHECKS: list[CheckFunction] = [not_a_server_error, status_code_conformance,
                               status_documented_explicitly, content_type_conformance,
                               response_headers_conformance, response_schema_conformance]
# The credentials are the test's: never generated (they would only be refused), never dropped.
CONFIG = {"generation": {"with-security-parameters": False}}
Headers = Callable[[APIOperation], dict[str, str]]


@dataclass
class Surface:
    """One OpenAPI document of one app, and how a caller of that surface calls it."""

    name: str
    app: Flask
    document: str
    headers: Headers
    known: Mapping[str, list[str]] = field(default_factory=dict)  # path parameter -> ids
    # operation label -> (path parameters, JSON body) of a call that succeeds
    valid: Mapping[str, tuple[dict[str, str], dict]] = field(default_factory=dict)
    under: str = "/"  # only the operations whose path starts with it


@dataclass
class Coverage:
    operations: int = 0
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, dict[str, str]] = field(default_factory=dict)  # operation -> kind -> report

    def line(self, surface: Surface) -> str:
        seen = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
        return (f"{surface.name}: {self.operations} operations, {self.cases} cases "
                f"({seen}), {sum(map(len, self.failures.values()))} failures")


def fuzz(surface: Surface, max_examples: int) -> Coverage:
    schema = openapi.from_wsgi(surface.document, surface.app, config=Config.from_dict(CONFIG))
    coverage = Coverage()
    for result in schema.get_all_operations():
        operation = result.ok() if isinstance(result, Ok) else None
        if operation is None:  # the document itself is broken at this operation
            coverage.failures.setdefault("(document)", {})[str(result.err())] = \
                str(result.err())
            continue
        if not operation.path.startswith(surface.under):
            continue
        coverage.operations += 1
        _fuzz_operation(surface, operation, max_examples, coverage)
    return coverage


def _fuzz_operation(surface: Surface, operation: APIOperation, max_examples: int,
                    coverage: Coverage) -> None:
    strategy = st.one_of(*_strategies(surface, operation))
    found = coverage.failures.setdefault(operation.label, {})

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: every case is kept
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case: Case) -> None:
        coverage.cases += 1
        headers = surface.headers(operation)
        try:
            response = case.call(headers=headers)
        except Exception as error:  # raised in the app: a 500 in production
            found.setdefault(f"Server error: {type(error).__name__} (500)",
                             _raised(case, headers, error))
            return
        coverage.statuses[response.status_code] = \
            coverage.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.setdefault(f"{failure.title} ({response.status_code})", str(group))

    run()
    if not found:
        del coverage.failures[operation.label]


def _raised(case: Case, headers: dict[str, str], error: Exception) -> str:
    """The exception, where in the project it was raised, and the request that raised it."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if "site-packages" not in frame.filename]
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return (f"{type(error).__name__}: {error}\n  raised at {where}\n"
            f"  {case.as_curl_command(headers={**headers, 'Authorization': '[Filtered]'})}")


def _strategies(surface: Surface, operation: APIOperation) -> Iterator[st.SearchStrategy]:
    yield operation.as_strategy(GenerationMode.POSITIVE)
    if _has_inputs(operation):
        yield operation.as_strategy(GenerationMode.NEGATIVE)
    names = [parameter.name for parameter in operation.path_parameters]
    if names and all(name in surface.known for name in names):
        for values in product(*(surface.known[name] for name in names)):
            yield operation.as_strategy(GenerationMode.POSITIVE,
                                        path_parameters=dict(zip(names, values, strict=True)))
    if operation.label in surface.valid:
        parameters, body = surface.valid[operation.label]
        # the call that succeeds, with its headers and query generated
        yield operation.as_strategy(GenerationMode.POSITIVE, path_parameters=parameters or None,
                                    body=body)
        # generated bodies laid over it: a field the generator leaves out is the good
        # call's, so that rules across fields (a subject needs a name or an id number) hold
        # and the generated values reach the services
        yield operation.as_strategy(GenerationMode.POSITIVE,
                                    path_parameters=parameters or None).map(
            partial(_laid_over, body))


def _laid_over(good: dict, case: Case) -> Case:
    if isinstance(case.body, dict):
        case.body = _merged(good, case.body)
    return case


def _merged(under: dict, over: dict) -> dict:
    merged = dict(under)
    for key, value in over.items():
        below = merged.get(key)
        merged[key] = _merged(below, value) if isinstance(below, dict) and isinstance(
            value, dict) else value
    return merged


def _has_inputs(operation: APIOperation) -> bool:
    """Negative cases need something to make invalid."""
    return bool(operation.body or list(operation.iter_parameters()))
