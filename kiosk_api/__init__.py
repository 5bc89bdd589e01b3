"""The self-service kiosk surface (built from issue 5 on)."""
