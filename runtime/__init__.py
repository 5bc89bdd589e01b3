"""Deployment plumbing every deployable shares: database engines, migrations, sessions.

No domain code lives here; hub and nodes still meet only over HTTP, through `schemas/`.
"""
