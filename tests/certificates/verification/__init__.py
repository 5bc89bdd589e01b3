"""Helpers for the verification tests: a hub with the verify routes, registry rows, Chromium."""
