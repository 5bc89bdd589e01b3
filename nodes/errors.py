"""The node's domain errors; `runtime.problems` maps them to problem+json answers."""

from runtime.errors import DomainError, InvalidInput, Unauthorized

__all__ = ["DomainError", "InvalidInput", "NoLocator", "Unauthorized", "RecordNotFound"]


class RecordNotFound(DomainError):
    status = 404
    title = "Record not found"


class NoLocator(DomainError):
    status = 404
    title = "No record locator"
