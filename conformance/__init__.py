"""Checks any node implementation against the Liancha standard over HTTP."""
