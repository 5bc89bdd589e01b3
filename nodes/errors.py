"""The node's domain errors; `nodes.resources.problems` maps them to problem+json answers."""


class NodeError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(NodeError):
    status = 422
    title = "Invalid input"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The request has invalid fields; see errors.")
        self.errors = errors


class Unauthorized(NodeError):
    status = 401
    title = "Unauthorized"


class RecordNotFound(NodeError):
    status = 404
    title = "Record not found"
