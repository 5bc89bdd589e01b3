"""The hub's domain errors; `federation.resources.problems` maps them to problem+json."""


class HubError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(HubError):
    status = 422
    title = "Invalid input"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The request has invalid fields; see errors.")
        self.errors = errors


class Unauthorized(HubError):
    status = 401
    title = "Unauthorized"


class PermissionDenied(HubError):
    status = 403
    title = "Forbidden"


class QueryNotFound(HubError):
    status = 404
    title = "Query not found"
