"""The kiosk's touch page: plain HTML, CSS and JavaScript served by the hub, nothing from
elsewhere but the ID-card reader's local HTTP service (`?reader=`, default
http://127.0.0.1:8190)."""

from flask import Blueprint, Response, make_response, render_template

from federation.resources import context
from kiosk_api.resources import PREFIX

DEFAULT_READER = "http://127.0.0.1:8190"
# Readers are local services on the kiosk itself; the certificate is shown from a blob.
POLICY = ("default-src 'self'; connect-src 'self' http://127.0.0.1:* http://localhost:*; "
          "frame-src 'self' blob:; object-src 'self' blob:; img-src 'self' data:; "
          "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

pages = Blueprint("kiosk_page", __name__, url_prefix="/kiosk", static_folder="static",
                  static_url_path="/static", template_folder="templates")


@pages.get("/")
def kiosk_page() -> Response:
    response = make_response(render_template(
        "kiosk/index.html", api=PREFIX, idle_s=context.settings().kiosk_idle_s,
        default_reader=DEFAULT_READER))
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"
    return response
