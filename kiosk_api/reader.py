"""The SIMULATED ID-card reader of the demo: a tiny HTTP service on the kiosk itself.

Readers in Chinese service halls expose a localhost HTTP service to the kiosk page; this one
answers `POST /read` with the configured card as an assertion the device signs with its
own key (EdDSA JWT: `iss` = `sub` = device id, `aud` "liancha-hub/kiosk", a fresh `jti`,
`id_number`, `name`). Only the hub's page may call it from a browser (CORS). In production
a real reader driver takes its place and signs what the chip says.
"""

import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, Response, jsonify, request

from accounts.kiosks import CARD_AUDIENCE

ASSERTION_LIFETIME_S = 60


@dataclass(frozen=True)
class Card:
    id_number: str
    name: str


def mint_card_assertion(key: Ed25519PrivateKey, device_id: str, card: Card,
                        lifetime_s: int = ASSERTION_LIFETIME_S, **extra: object) -> str:
    """What the device signs for one card read (accepted once by the hub)."""
    now = int(time.time())
    claims: dict[str, object] = {"iss": device_id, "sub": device_id, "aud": CARD_AUDIENCE,
                                 "iat": now, "exp": now + lifetime_s, "jti": uuid.uuid4().hex,
                                 "id_number": card.id_number, "name": card.name, **extra}
    return jwt.encode(claims, key, algorithm="EdDSA")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def create_reader_app(device_id: str, key: Ed25519PrivateKey, hub_url: str,
                      card: Card) -> Flask:
    app = Flask(__name__)
    allowed_origin = origin_of(hub_url)

    @app.after_request
    def cors(response: Response) -> Response:
        if request.headers.get("Origin") == allowed_origin:
            response.headers["Access-Control-Allow-Origin"] = allowed_origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Vary"] = "Origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def status() -> Response:
        return jsonify({"reader": "simulated", "device_id": device_id,
                        "hub_origin": allowed_origin, "card_present": True})

    @app.route("/read", methods=["POST", "OPTIONS"])
    def read() -> Response:
        if request.method == "OPTIONS":  # a preflight: the headers are added above
            return Response(status=204)
        return jsonify({"assertion": mint_card_assertion(key, device_id, card)})

    return app
