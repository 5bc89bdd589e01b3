"""The shape every deployable's domain errors share; `runtime.problems` maps them to HTTP."""


class DomainError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str, zh: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.zh = zh  # what a person is told on a Chinese surface (runtime.chinese)


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The request has invalid fields; see errors.")
        self.errors = errors


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class PermissionDenied(DomainError):
    status = 403
    title = "Forbidden"
