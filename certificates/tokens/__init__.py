"""The certificate's QR token and the keys that sign it.

- `content`: the canonical form of a certificate's content, its digest, masked holders;
- `keyring`: the hub's Ed25519 signing keys in a directory, rotation, the published JWKS;
- `token`: the compact JWS the QR code carries, issuing and offline verification.

Nothing here touches HTTP, the registry database or the PDF.
"""

from certificates.tokens.content import (
    canonical_content,
    content_digest,
    mask_holder,
    mask_id_number,
    mask_name,
    short_digest,
)
from certificates.tokens.keyring import Keyring, KeyringError, keys_from_jwks, open_keyring
from certificates.tokens.token import (
    ALTERED,
    EXPIRED,
    UNKNOWN_KEY,
    VALID,
    CertificateClaims,
    TokenCheck,
    compact_number,
    issue_token,
    token_from_url,
    verify_token,
    verify_url,
)

__all__ = [
    "open_keyring",
    "ALTERED",
    "EXPIRED",
    "UNKNOWN_KEY",
    "VALID",
    "CertificateClaims",
    "Keyring",
    "KeyringError",
    "TokenCheck",
    "canonical_content",
    "compact_number",
    "content_digest",
    "issue_token",
    "keys_from_jwks",
    "mask_holder",
    "mask_id_number",
    "mask_name",
    "short_digest",
    "token_from_url",
    "verify_token",
    "verify_url",
]
