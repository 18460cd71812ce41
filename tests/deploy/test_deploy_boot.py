"""The image's entry point (deploy/boot.sh) and health probe, run here as real processes without a container,
plus the Dockerfile's promises that can be read without building it."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from deploy_helpers import DEPLOY, REPO, WORKERS, free_port

BOOT = str(DEPLOY / "boot.sh")
PROBE = str(DEPLOY / "probe.py")


def environment(tmp_path, **extra):
    env = dict(
        os.environ,
        SERVICE="auth_service",
        BILLPAY_VAR_DIR=str(tmp_path / "var"),
        AUTH_SERVICE_DATABASE_URL=f"sqlite:///{tmp_path}/auth_service.db",
        PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST="1024",
        ARGON2_PARALLELISM="1",
    )
    env.update(extra)
    return env


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until_serving(url, process, deadline_seconds=30):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            return get(url)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {deadline_seconds} s")


def test_wait_for_schema_gives_up_on_an_unmigrated_database_and_passes_after_migrate(tmp_path):
    env = environment(tmp_path, MIGRATION_WAIT_SECONDS="0")
    waited = subprocess.run([BOOT, "wait-for-schema"], env=env, capture_output=True, text=True, timeout=120)
    assert waited.returncode == 1 and "did its migration job run?" in waited.stderr
    migrated = subprocess.run([BOOT, "migrate"], env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    waited = subprocess.run([BOOT, "wait-for-schema"], env=env, capture_output=True, text=True, timeout=120)
    assert waited.returncode == 0, waited.stderr


def test_migrate_and_web_serves_health_readiness_and_metrics_under_gunicorn(tmp_path, redis_url):
    port = free_port()
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_stale.db").write_bytes(b"left by a previous run")
    env = environment(
        tmp_path,
        PORT=str(port),
        HOST="127.0.0.1",
        REDIS_URL=redis_url,
        WEB_CONCURRENCY="2",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        REDIS_KEY_PREFIX=f"deploy-test-{port}:",
    )
    process = subprocess.Popen(
        [BOOT, "migrate-and-web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert wait_until_serving(f"http://127.0.0.1:{port}/healthz", process, 60)[0] == 200
        status, body = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and json.loads(body)["status"] == "ready"
        status, metrics = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and 'route="/readyz"' in metrics
        assert not (metrics_dir / "counter_stale.db").exists()
        probe = lambda path: subprocess.run([sys.executable, PROBE, path], env=env, capture_output=True)  # noqa: E731
        assert probe("/readyz").returncode == 0
        assert probe("/no-such-page").returncode == 1
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert process.returncode == 0, "gunicorn should stop cleanly on SIGTERM"


def test_probe_fails_when_nothing_listens(tmp_path):
    result = subprocess.run(
        [sys.executable, PROBE, "/healthz"],
        env=environment(tmp_path, PORT=str(free_port())),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "probe http://127.0.0.1:" in result.stderr


@pytest.mark.parametrize("package", sorted(set(WORKERS.values())))
def test_each_worker_command_exists_in_its_service(tmp_path, package):
    env = environment(tmp_path, SERVICE=package)
    result = subprocess.run(
        ["flask", "--app", package, "worker", "--help"], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0 and "Usage:" in result.stdout, result.stderr


def test_dockerfile_builds_a_small_non_root_image_per_service_with_only_its_requirements():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert re.search(r"^USER 10001", dockerfile, re.M)
    assert "PYTHONUNBUFFERED=1" in dockerfile
    assert "pip install --no-deps -c /src/constraints.txt /src/billpay_common /src/${SERVICE}" in dockerfile
    assert "PYTHONPATH" not in dockerfile, "the image installs its service as a package"
    assert 'ENTRYPOINT ["/app/deploy/boot.sh"]' in dockerfile
    assert re.search(r"^HEALTHCHECK .*probe\.py", dockerfile, re.M)
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
        for path in source.split():
            path = path.replace("${SERVICE}", "auth_service")
            assert (REPO / path).exists(), f"Dockerfile copies {path}, which does not exist"
