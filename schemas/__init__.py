"""The Liancha record standard in code: the one package hub and nodes both import."""
