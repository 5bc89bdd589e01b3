"""The `liancha` command: subcommands are defined beside the code they drive and gathered here.

Each subcommand module keeps its heavy imports inside the command functions, so that
`liancha --help` stays fast and nothing is wired at import time.
"""

import click

from conformance.cli import conformance_command
from federation.background_cli import beat, health, migrate, worker
from federation.cli import audit_group, hub_group, token_command
from generator.cli import generate_command
from kiosk_api.cli import kiosk_group
from liancha.demo import demo_command
from liancha.demo_nested import demo_nested_command
from liancha.keys_cli import keys_group
from national_api.cli import platform_group
from nodes.cli import node_group
from schemas.cli import schema_group
from workbench.cli import clerk_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Liancha (联查): joint query of civil records across public archives."""


main.add_command(keys_group)
main.add_command(schema_group)
main.add_command(node_group)
main.add_command(generate_command)
main.add_command(conformance_command)
main.add_command(demo_command)
main.add_command(demo_nested_command)
main.add_command(hub_group)
for command in (migrate, worker, beat, health):
    hub_group.add_command(command)
main.add_command(token_command)
main.add_command(audit_group)
main.add_command(clerk_group)
main.add_command(kiosk_group)
main.add_command(platform_group)
