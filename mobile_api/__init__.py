"""The citizens' mobile app API (built from issue 5 on)."""
