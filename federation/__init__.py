"""The federation hub: fan-out, merge and certificates (built from issue 3 on)."""
