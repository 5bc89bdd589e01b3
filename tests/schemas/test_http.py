"""The HTTP conventions every deployable shares: how problem answers are documented."""

from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from schemas.http import PROBLEM_JSON, ProblemApi
from schemas.search import ProblemSchema


class NameSchema(Schema):
    name = fields.String(required=True)


def test_problem_answers_are_documented_as_problem_json() -> None:
    """Every error answer is sent as problem+json, so the document must say so: the
    explicit ones, the 422 of invalid arguments and the default one."""
    app = Flask(__name__)
    app.config.update({"API_TITLE": "t", "API_VERSION": "1", "OPENAPI_VERSION": "3.0.3",
                       "OPENAPI_URL_PREFIX": "/"})
    blp = Blueprint("names", __name__)

    @blp.route("/names")
    class Names(MethodView):
        @blp.arguments(NameSchema)
        @blp.response(200, NameSchema)
        @blp.alt_response(404, schema=ProblemSchema, description="No such name")
        def post(self, body: dict) -> dict:
            return body

    api = ProblemApi(app)
    api.register_blueprint(blp)
    spec = app.test_client().get("/openapi.json").get_json()

    responses = spec["paths"]["/names"]["post"]["responses"]
    assert list(responses["200"]["content"]) == ["application/json"]
    assert list(responses["404"]["content"]) == [PROBLEM_JSON]
    components = spec["components"]["responses"]
    for name in ("UNPROCESSABLE_ENTITY", "DEFAULT_ERROR"):
        assert list(components[name]["content"]) == [PROBLEM_JSON], name
    answer = app.test_client().post("/names", json={})
    assert answer.status_code == 422 and answer.mimetype == PROBLEM_JSON


class OAuthErrorSchema(Schema):
    error = fields.String(required=True)


def test_every_operation_documents_the_400_of_a_malformed_request() -> None:
    """A body that is not JSON, or a NUL anywhere (runtime.nul_characters), is a 400 on any
    operation; one that documents its own 400 may also answer that one as a problem."""
    app = Flask(__name__)
    app.config.update({"API_TITLE": "t", "API_VERSION": "1", "OPENAPI_VERSION": "3.0.3",
                       "OPENAPI_URL_PREFIX": "/"})
    blp = Blueprint("things", __name__)

    @blp.route("/things")
    class Things(MethodView):
        @blp.response(200, NameSchema)
        def get(self) -> dict:
            return {"name": "x"}

        @blp.arguments(NameSchema, location="form")
        @blp.response(200, NameSchema)
        @blp.alt_response(400, schema=OAuthErrorSchema, description="invalid_request")
        def post(self, body: dict) -> dict:
            return body

    api = ProblemApi(app)
    api.register_blueprint(blp)
    spec = app.test_client().get("/openapi.json").get_json()

    responses = spec["paths"]["/things"]
    assert responses["get"]["responses"]["400"] == {
        "$ref": "#/components/responses/MALFORMED_REQUEST"}
    assert list(spec["components"]["responses"]["MALFORMED_REQUEST"]["content"]) == [
        PROBLEM_JSON]
    assert list(responses["post"]["responses"]["400"]["content"]) == [
        "application/json", PROBLEM_JSON]
