"""`liancha clerk`: Clerk accounts (being built)."""

import click


@click.group("clerk")
def clerk_group() -> None:
    """Clerk accounts."""
