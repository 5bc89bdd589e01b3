"""`liancha hub migrate`, `worker`, `beat` and `health`: the hub's processes beside its web
server in production (docs/production.md). Each reads the hub's LIANCHA_* variables."""

import logging
import socket

import click
from flask import Flask

CHATTY_LOGGERS = ("celery.app.trace", "celery.worker.strategy", "celery.beat")


@click.command("migrate")
@click.option("--database-url", envvar="LIANCHA_DATABASE_URL", required=True)
def migrate(database_url: str) -> None:
    """Create or upgrade the hub's database schema (once, before servers and workers)."""
    from federation.storage import upgrade_schema
    from runtime.database import make_engine

    engine = make_engine(database_url)
    try:
        before, after = upgrade_schema(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"hub database schema already at revision {after}: nothing to do")
    else:
        click.echo(f"hub database schema upgraded from {before or 'nothing'} to revision {after}")


@click.command("worker")
@click.option("--concurrency", envvar="LIANCHA_WORKER_CONCURRENCY", default=2, type=int,
              show_default=True, help="Pool processes, each running one job at a time.")
@click.option("--loglevel", default="INFO", show_default=True)
def worker(concurrency: int, loglevel: str) -> None:
    """Run the hub's background jobs (Celery, with LIANCHA_REDIS_URL). Does not change the
    database schema (`liancha hub migrate` does)."""
    from runtime.celery_app import QUEUE

    app = _hub_app("worker", loglevel)
    celery = app.extensions["celery"]
    celery.worker_main([*_banner(app), "worker", f"--loglevel={loglevel}",
                        f"--concurrency={concurrency}",
                        "--pool=prefork", f"--queues={QUEUE}", "--without-gossip",
                        "--without-mingle", f"--hostname={_worker_name()}"])


@click.command("beat")
@click.option("--schedule", envvar="LIANCHA_BEAT_SCHEDULE",
              default="celerybeat-schedule", show_default=True,
              type=click.Path(dir_okay=False), help="Where beat keeps its last run times.")
@click.option("--loglevel", default="INFO", show_default=True)
def beat(schedule: str, loglevel: str) -> None:
    """Send the hub's periodic jobs to the workers (run exactly one beat per federation)."""
    app = _hub_app("beat", loglevel)
    app.extensions["celery"].start([*_banner(app), "beat", f"--loglevel={loglevel}",
                                    f"--schedule={schedule}"])


@click.command("health")
@click.argument("process", type=click.Choice(["worker", "schedule"]))
def health(process: str) -> None:
    """Exit 0 if PROCESS works (for container health checks): `worker`, this host's worker
    answers a ping; `schedule`, the periodic jobs run (the latest node probe is recent)."""
    app = _hub_app(process if process == "worker" else "beat")
    if process == "worker":
        replies = app.extensions["celery"].control.ping(destination=[_worker_name()],
                                                         timeout=3.0)
        if not replies:
            raise click.ClickException(f"worker {_worker_name()} did not answer a ping")
        click.echo(f"worker {_worker_name()} answers")
        return
    age = _latest_probe_age(app)
    interval = app.extensions["liancha.hub"].probe_interval_s
    if age > 3 * interval:
        raise click.ClickException(f"the latest node probe is {age:.0f} s old: periodic jobs "
                                   "are not running (beat or workers down?)")
    click.echo(f"periodic jobs run: the latest node probe is {age:.0f} s old")


def _latest_probe_age(app: Flask) -> float:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from federation.models import NodeHealth

    if app.extensions["liancha.hub"].probe_interval_s <= 0:
        raise click.ClickException("PROBE_INTERVAL_S is 0: nothing shows the schedule runs")
    with app.extensions["liancha.db"].session() as session:
        latest = session.scalar(select(func.max(NodeHealth.checked_at)))
    if latest is None:
        raise click.ClickException("no node was probed yet")
    latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
    return (datetime.now(UTC) - latest).total_seconds()


def _banner(app: Flask) -> list[str]:
    """Celery's start-up banner is text for people: left out where logs are JSON lines."""
    return ["--quiet"] if app.extensions["liancha.hub"].log_format == "json" else []


def _worker_name() -> str:
    return f"liancha@{socket.gethostname()}"


def _hub_app(service: str, loglevel: str = "WARNING") -> Flask:
    """The hub app built from LIANCHA_* variables, with Celery; this process's log lines
    name `service`. At INFO, Celery's line for each task received, run and sent on
    schedule is left out (a periodic job every few seconds would bury the rest): the jobs
    log what they do, and failures are logged whatever the level."""
    from federation.app import create_app
    from federation.config import ConfigurationError
    from runtime.logs import configure_logging

    configure_logging(service, "text")  # the format is the hub's, set by create_app
    if logging.getLevelName(loglevel.upper()) == logging.INFO:
        for chatty in CHATTY_LOGGERS:
            logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        app = create_app({"UPGRADE_SCHEMA": False})
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    if "celery" not in app.extensions:
        raise click.ClickException("LIANCHA_REDIS_URL is not set: without Redis the hub runs "
                                   "its background jobs itself and needs no worker")
    return app
