"""`liancha conformance URL --hub-key FILE`: check a node over HTTP against the standard.

Prints one `PASS name: detail`, `FAIL name: detail` or `SKIP name: reason` line per check,
then `N passed, M failed, K skipped`. A SKIP is a check that could not run (e.g. no record
of the subject to look at), never a pass. Exit status: 1 when a check failed, or with
`--strict` when one was skipped; else 0. Without `--subject-*`, the checker finds a person
with records in the node's own answers. Heavy imports wait inside the command.
"""

from pathlib import Path

import click


@click.argument("url")
@click.option("--hub-key", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The hub's Ed25519 private.pem, whose public key the node trusts.")
@click.option("--archive-code", default=None,
              help="The node's archive code (default: read from its service-info).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for each answer.")
@click.option("--subject-id", default=None,
              help="An id number to search for (default: a person found in the node's "
                   "answers to searches for common names, when no --subject-* is given).")
@click.option("--subject-name", default=None,
              help="A name to search for (default: as for --subject-id).")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a check was skipped (could not run), not only when one failed.")
def _conformance(url: str, hub_key: Path, archive_code: str | None, timeout: float,
                 subject_id: str | None, subject_name: str | None, strict: bool) -> None:
    """Check the node at URL against the standard's node API v1.

    Prints PASS, FAIL or SKIP (could not run, and why) per check, then the counts of each.
    Exits 1 when a check failed, or with --strict when one was skipped; else 0.
    """
    from conformance.runner import exit_status, run_conformance, summary
    from schemas.signing import load_private_key

    try:
        key = load_private_key(hub_key)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--hub-key") from exc
    subject = {}
    if subject_id:
        subject["id_number"] = subject_id
    if subject_name:
        subject["name"] = subject_name
    results = run_conformance(url, key, archive_code, timeout, subject or None,
                              on_result=lambda result: click.echo(result.line()))
    click.echo(summary(results))
    status = exit_status(results, strict)
    if status:
        raise SystemExit(status)


conformance_command = click.command("conformance")(_conformance)
