"""Every look at personal data is in the audit record, the refused ones too.

A successful read is audited by the service that reads (`audit.looked_at`: the query, the
certificate, the request, with its purpose). A refused attempt (401, 403, 404) never reaches
what it asked for, so it is audited here, after the answer is made: who tried (or
`anonymous`, with the address), on which surface, and which object they named.
"""

import logging

from flask import Flask, Response, current_app, g, request
from sqlalchemy.exc import OperationalError

from federation import audit

log = logging.getLogger(__name__)

#: GET endpoints that read personal data: endpoint -> (what, the view argument naming it)
READS: dict[str, tuple[str, str | None]] = {
    "queries.QueryById": ("query", "query_id"),
    "mobile_queries.MyQuery": ("query", "query_id"),
    "certificates.CertificateById": ("certificate", "certificate_no"),
    "certificates.CertificatePdf": ("certificate", "certificate_no"),
    "mobile_certificates.MyCertificates": ("certificates", None),
    "mobile_certificates.MyCertificate": ("certificate", "certificate_no"),
    "mobile_certificates.MyCertificatePdf": ("certificate", "certificate_no"),
    "kiosk.CertificatePdf": ("certificate", "certificate_no"),
    "mobile_requests.MyRequests": ("requests", None),
    "mobile_requests.MyRequest": ("request", "request_no"),
    "clerk_requests.Requests": ("requests", None),
    "clerk_requests.Overdue": ("requests", None),
    "clerk_requests.RequestByNo": ("request", "request_no"),
    "clerk_requests.Candidates": ("candidates", "request_no"),
    "workbench_pages.detail": ("request", "request_no"),
    "national_requests.RequestStatus": ("request", "request_no"),
    "national_requests.RequestResult": ("request", "request_no"),
    "national_requests.RequestCertificatePdf": ("certificate", "certificate_no"),
}
REFUSED = (401, 403, 404)


def audit_refused_reads(app: Flask) -> None:
    app.after_request(_refused)


def _refused(response: Response) -> Response:
    read = READS.get(request.endpoint or "")
    if read is None or response.status_code not in REFUSED or request.method != "GET":
        return response
    what, argument = read
    identity = g.get("identity") or getattr(g.get("clerk"), "identity", None)
    target = (request.view_args or {}).get(argument) if argument else request.path
    session = current_app.extensions["liancha.db"].request_session()
    try:
        session.rollback()  # whatever the refused request had begun is not kept
        audit.looked_at(session, identity, f"{what}.read_refused",
                        str(target or request.path),
                        detail={"status": response.status_code, "path": request.path,
                                "address": request.remote_addr})
    except OperationalError:  # the database is away: the refusal stands, unrecorded
        session.rollback()
        log.error("could not record a refused read of %s: database unavailable",
                  request.path)
    return response
