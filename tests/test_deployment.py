"""docker-compose.yml checked as far as a machine without a Docker engine allows.

docker-compose itself validates the file (`config`, Debian's docker-compose, installed by
scripts/system-packages.sh); its structure is checked (services, health checks,
dependencies, one database per node); a node is started exactly as compose starts it, with
nothing but the service's environment variables (paths and database made local). The
hub's processes are run by hand in tests/test_production.py.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from schemas.signing import generate_key_pair

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
SERVICES = COMPOSE["services"]
NODES = {name: spec for name, spec in SERVICES.items() if name.startswith("node-")}


def test_at_least_three_nodes_each_over_its_own_database():
    assert len(NODES) >= 3
    databases = [spec["environment"]["LIANCHA_DATABASE_URL"].rsplit("/", 1)[1]
                 for spec in [*NODES.values(), SERVICES["hub"]]]
    assert len(set(databases)) == len(databases)
    init = (ROOT / "deploy" / "postgres-init.sql").read_text("utf-8")
    assert set(databases) <= set(re.findall(r"CREATE DATABASE (\w+);", init))
    codes = [spec["environment"]["LIANCHA_ARCHIVE_CODE"] for spec in NODES.values()]
    assert codes == sorted(set(codes), key=codes.index) and all(len(c) == 6 for c in codes)


ONE_OFF = {"setup", "migrate"}  # run to completion before the others start
DOCKER_COMPOSE = shutil.which("docker-compose")


def test_docker_compose_finds_the_file_valid():
    if DOCKER_COMPOSE is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI needs docker-compose: scripts/system-packages.sh installs it")
        pytest.skip("docker-compose is not installed (scripts/system-packages.sh)")
    checked = subprocess.run([DOCKER_COMPOSE, "-f", str(ROOT / "docker-compose.yml"), "config",
                              "--quiet"], env={**os.environ, "POSTGRES_PASSWORD": "check"},
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    listed = subprocess.run([DOCKER_COMPOSE, "-f", str(ROOT / "docker-compose.yml"), "config",
                             "--services"], env={**os.environ, "POSTGRES_PASSWORD": "check"},
                            capture_output=True, text=True, timeout=60)
    assert set(listed.stdout.split()) == set(SERVICES)


def test_every_service_is_health_checked_and_depends_on_existing_services():
    for name, spec in SERVICES.items():
        for dependency in spec.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
        if name not in ONE_OFF:
            assert "healthcheck" in spec, name
    for spec in NODES.values():
        assert spec["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "/readyz" in " ".join(spec["healthcheck"]["test"])
    for spec in SERVICES.values():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in COMPOSE["volumes"], source
            if source.startswith("./"):
                assert (ROOT / source).exists(), source


def test_the_image_copies_every_package_the_project_installs():
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    packages = re.findall(r'"(\w+)\*"', pyproject)
    assert packages
    for package in packages:
        assert f"COPY {package} {package}" in dockerfile, package


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(child: subprocess.Popen, port: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert child.poll() is None, child.stdout.read().decode()  # type: ignore[union-attr]
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(0.2)
    return False


def test_a_node_starts_from_its_compose_environment_alone(tmp_path: Path, database_url: str):
    spec = NODES["node-510500"]
    environment = {key: str(value) for key, value in spec["environment"].items()}
    assert spec["command"] == ["node", "serve"]
    hub_private, hub_public = generate_key_pair(tmp_path / "keys" / "hub")
    node_private, _ = generate_key_pair(tmp_path / "keys" / "510500")
    port = free_port()
    environment.update({
        "LIANCHA_DATABASE_URL": database_url,
        "LIANCHA_HUB_PUBLIC_KEY": str(hub_public),
        "LIANCHA_SIGNING_KEY": str(node_private),
        "LIANCHA_HOST": "127.0.0.1",
        "LIANCHA_PORT": str(port),
    })
    child = subprocess.Popen([sys.executable, "-m", "liancha", *spec["command"]],
                             env={**os.environ, **environment},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert wait_ready(child, port)
        info = requests.get(f"http://127.0.0.1:{port}/v1/service-info", timeout=5).json()
        assert info["archive"]["code"] == "510500"
        assert info["archive"]["name"] == environment["LIANCHA_ARCHIVE_NAME"]
    finally:
        child.terminate()
        child.wait(10)


def test_the_hub_asks_exactly_the_compose_nodes():
    registry = yaml.safe_load((ROOT / "deploy" / "nodes.yaml").read_text("utf-8"))["nodes"]
    assert {f"node-{entry['code']}" for entry in registry} == set(NODES)
    for entry in registry:
        assert entry["url"] == f"http://node-{entry['code']}:8100"
        assert entry["code"] in entry["public_key"]
    hub = SERVICES["hub"]
    assert hub["environment"]["LIANCHA_NODES"] == "/app/deploy/nodes.yaml"
    assert "identity" in (ROOT / "deploy" / "setup.sh").read_text("utf-8")


def test_the_hubs_processes_share_its_settings_and_wait_for_the_migration():
    hub, worker, beat = SERVICES["hub"], SERVICES["worker"], SERVICES["beat"]
    shared = {key: value for key, value in worker["environment"].items()}
    assert beat["environment"] == shared
    assert {key: hub["environment"][key] for key in shared} == shared
    assert shared["LIANCHA_REDIS_URL"].startswith("redis://redis:")
    assert shared["LIANCHA_UPGRADE_SCHEMA"] == "false"  # `migrate` did it, once
    for spec in (hub, worker, beat):
        assert spec["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert spec["depends_on"]["redis"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["command"] == ["hub", "migrate"]
    assert hub["entrypoint"] == ["gunicorn"] and "federation.app:create_app()" in hub["command"]
    assert worker["command"][:2] == ["hub", "worker"] and beat["command"][:2] == ["hub", "beat"]
    assert (ROOT / "deploy" / "gunicorn.conf.py").exists()
    assert "PROMETHEUS_MULTIPROC_DIR" in hub["environment"]
