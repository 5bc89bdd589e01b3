"""A stand-in for the national platform's callback endpoint (demo and integrators): checks
each callback's signature against the hub's published keys, prints one line per status
change, and acknowledges it with 204. A bad signature is answered 401 and not printed."""

import logging

import requests
from flask import Flask, Response, request

from schemas.signing import SIGNATURE_HEADER, SignatureInvalid, key_from_jwk, verify_body

log = logging.getLogger(__name__)


def create_sink_app(keys_url: str) -> Flask:
    app = Flask(__name__)
    keys: dict = {}

    def known_keys() -> dict:
        if not keys:  # fetched on first use: the hub may start after the sink
            jwks = requests.get(keys_url, timeout=5).json()
            keys.update({jwk["kid"]: key_from_jwk(jwk) for jwk in jwks["keys"]})
        return keys

    @app.get("/")
    def status() -> Response:
        return Response("platform callback sink: POST /callbacks\n", mimetype="text/plain")

    @app.post("/callbacks")
    def callback() -> Response:
        body = request.get_data()
        try:
            signed = verify_body(request.headers.get(SIGNATURE_HEADER), body, known_keys())
        except SignatureInvalid as exc:
            keys.clear()  # perhaps a rotated key: fetch again next time
            print(f"refused a callback: {exc}", flush=True)
            return Response(status=401)
        change = request.get_json()
        event = change["event"]
        reason = f" ({event['reason']})" if event.get("reason") else ""
        issued = ", ".join(change["certificate_nos"])
        print(f"callback {request.headers.get('Liancha-Delivery')}: {change['request_no']} "
              f"{event['action']} -> {change['state']} at {event['at']}{reason}"
              f"{' certificates ' + issued if issued else ''}"
              f" [signature ok, request {signed.request_id}]", flush=True)
        return Response(status=204)

    return app
