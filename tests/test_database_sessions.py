"""A request's session whose connection dies after the view's last statement (a database
restart at that moment): the answer the view made stands, and the next request gets a live
connection. Closing the session rolls back on the dead connection; before, that error
escaped Flask's teardown and the server answered a bare 500 instead.

PostgreSQL only: the view ends its own server process with pg_terminate_backend.
"""

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from runtime.database import Database


def test_an_answer_stands_when_its_connection_dies_before_the_request_ends(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("an SQLite connection cannot be ended from outside")
    app = Flask(__name__)
    database = Database()
    database.init_app(app, database_url)
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")

    @app.get("/<end>")
    def view(end: str) -> str:
        pid = database.request_session().execute(text("SELECT pg_backend_pid()")).scalar_one()
        if end == "end":
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return str(pid)

    client = app.test_client()
    try:
        ended = client.get("/end")
        assert ended.status_code == 200
        after = client.get("/keep")
        assert after.status_code == 200 and after.text != ended.text
    finally:
        admin.dispose()
        assert database.engine is not None
        database.engine.dispose()
