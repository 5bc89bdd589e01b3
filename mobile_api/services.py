"""The app's services: a citizen's own certificates, requests and the archives to choose.

Compositions of the hub's services, which check permissions and own the transactions; what
this layer adds is the citizen's view of a request (progress, no staff names) and field
errors a person can act on, in Chinese.
"""

from sqlalchemy.orm import Session

from casework.confirmations import apply_to_confirm
from casework.services import apply_request, archive_names, get_request, list_requests
from certificates.issuing import issue_for_self
from certificates.models import Certificate
from certificates.tokens import Keyring
from federation.config import HubSettings
from federation.identity import Identity
from mobile_api.progress import progress, summary
from mobile_api.wording import APPLICATION_FIELDS, CERTIFICATE_FIELDS, in_chinese
from runtime.errors import InvalidInput
from schemas.fields import RECORD_TYPES


def request_certificate(session: Session, settings: HubSettings, keyring: Keyring,
                        identity: Identity, body: dict) -> Certificate:
    """A certificate of one archive's records from the citizen's own query."""
    try:
        return issue_for_self(session, settings, keyring, identity, body).certificate
    except InvalidInput as error:
        raise in_chinese(error, CERTIFICATE_FIELDS) from error


def apply_for_myself(session: Session, settings: HubSettings, identity: Identity,
                     body: dict) -> dict:
    """File a cross-archive request whose subject is the citizen."""
    try:
        view = apply_to_confirm(session, settings, identity, body) if body.get("query_id") \
            else apply_request(session, settings, settings.calendar, identity, body)
    except InvalidInput as error:
        raise in_chinese(error, APPLICATION_FIELDS) from error
    return progress(view, archive_names(settings))


def my_requests(session: Session, settings: HubSettings, identity: Identity) -> list[dict]:
    return [summary(view) for view in list_requests(session, settings, identity)]


def my_request(session: Session, settings: HubSettings, identity: Identity,
               request_no: str) -> dict:
    return progress(get_request(session, settings, identity, request_no),
                    archive_names(settings))


def federation_archives(settings: HubSettings) -> list[dict]:
    """Every archive of the federation, for the app's receiving and holding choices."""
    return [{"code": node.code, "name": node.name,
             "record_types": [kind for kind in RECORD_TYPES
                              if node.record_types is None or kind in node.record_types]}
            for node in settings.nodes]
