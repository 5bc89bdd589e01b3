"""gunicorn settings of the hub in production (docker-compose.yml, docs/production.md):

    gunicorn -c deploy/gunicorn.conf.py 'federation.app:create_app()'

The app reads its own LIANCHA_* settings; this file reads only how to serve it. The
schema is migrated beforehand (`liancha hub migrate`) and not by the workers
(LIANCHA_UPGRADE_SCHEMA=false): several workers starting at once must not race on it.
Threads, because a query mostly waits for the archives' nodes.
"""

import os
import shutil
from pathlib import Path

bind = f"{os.environ.get('LIANCHA_HOST', '0.0.0.0')}:{os.environ.get('LIANCHA_PORT', '8100')}"
workers = int(os.environ.get("LIANCHA_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("LIANCHA_THREADS", "8"))
timeout = 60  # a query ends by its overall deadline (5 s by default); this is a last resort
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # workers are replaced now and then, spread out by the jitter
max_requests_jitter = 500
accesslog = None  # the app writes one access line per request, with its request id
errorlog = "-"
forwarded_allow_ips = os.environ.get("LIANCHA_FORWARDED_ALLOW_IPS", "127.0.0.1")
control_socket_disable = True  # gunicorn 27's runtime control socket: not used

if os.environ.get("LIANCHA_LOG_FORMAT") == "json":
    # gunicorn's own lines (start, workers booted, stopped or killed) as JSON like the app's,
    # through the root logger; the record factory installed here adds service and request_id
    from runtime.logs import configure_logging

    configure_logging("hub", "json")
    logconfig_dict = {
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"}},
        "formatters": {"json": {"()": "runtime.logs.formatter", "log_format": "json"}},
    }


def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    """Empty the metrics directory: a previous run's counts must not be added in."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    """The worker's app is made: what it made lives as long as the worker."""
    from runtime.serving import tune_collector_for_serving

    tune_collector_for_serving()


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
