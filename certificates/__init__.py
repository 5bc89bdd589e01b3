"""Certificates with a verifiable QR code (built from issue 4 on)."""
