"""`liancha platform`: National platform clients (being built)."""

import click


@click.group("platform")
def platform_group() -> None:
    """National platform clients."""
