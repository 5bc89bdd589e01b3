"""`liancha kiosk`: Kiosk devices (being built)."""

import click


@click.group("kiosk")
def kiosk_group() -> None:
    """Kiosk devices."""
