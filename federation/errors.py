"""The hub's domain errors; `runtime.problems` maps them to problem+json answers."""

from runtime.errors import DomainError, InvalidInput, PermissionDenied, Unauthorized

__all__ = ["DomainError", "InvalidInput", "PermissionDenied", "Unauthorized", "QueryNotFound"]


class QueryNotFound(DomainError):
    status = 404
    title = "Query not found"


class NoLocator(DomainError):
    status = 404
    title = "No locator"


class RecordNotFound(DomainError):
    status = 404
    title = "Record not found"


class UpstreamFailed(DomainError):
    """An archive below this hub did not give a usable answer."""

    status = 502
    title = "Bad gateway"
