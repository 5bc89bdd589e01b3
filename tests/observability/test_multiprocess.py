"""`/metrics` under several worker processes (gunicorn's model): with PROMETHEUS_MULTIPROC_DIR
set, any worker's `/metrics` adds up what every worker counted.

prometheus-client chooses its file-backed values when it is imported, so this runs in a
fresh interpreter, which forks two "workers" the way gunicorn's master does.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.observability.conftest import value

SCRIPT = textwrap.dedent("""
    import os, sys
    from flask import Flask
    from runtime.observability import init_observability

    app = Flask("multiprocess-test")
    init_observability(app, "node", "text")
    for worker in range(2):
        pid = os.fork()
        if pid == 0:
            for _ in range(worker + 1):
                app.test_client().get("/v1/records/not-here")
            os._exit(0)
        os.waitpid(pid, 0)
    sys.stdout.write(app.test_client().get("/metrics").get_data(as_text=True))
""")


def test_metrics_add_up_every_worker_in_multiprocess_mode(tmp_path: Path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True,
                          text=True, timeout=60,
                          env={"PROMETHEUS_MULTIPROC_DIR": str(directory), "PATH": "/usr/bin",
                               "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert value(done.stdout, "liancha_http_requests_total", method="GET",
                 endpoint="<unmatched>", status="404") == 3  # 1 + 2, from two processes
    assert value(done.stdout, "liancha_http_request_duration_seconds_count", method="GET",
                 endpoint="<unmatched>", status="404") == 3
    assert len(list(directory.glob("counter_*.db"))) >= 2  # a file per process that counted
