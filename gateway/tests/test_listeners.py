"""Public listener: no /metrics, /readyz without reasons. Internal listener (INTERNAL_PORT): both in full."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import urllib3

from devtools.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
INTERNAL_PORT = 9101
DEAD_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture(scope="module")
def client_to(make_gateway):
    """client_to(redis_url) -> a test client of a gateway with an internal listener on INTERNAL_PORT."""
    return lambda redis: make_gateway(REDIS_URL=redis, INTERNAL_PORT=INTERNAL_PORT).test_client()


INTERNAL = {"environ_overrides": {"SERVER_PORT": str(INTERNAL_PORT)}}


def test_public_metrics_is_not_found_like_any_unknown_page(client_to, redis_url):
    client = client_to(redis_url)
    metrics, unknown = client.get("/metrics"), client.get("/no-such-page")
    assert metrics.status_code == unknown.status_code == 404
    assert metrics.data == unknown.data


def test_public_readiness_is_a_status_without_reasons(client_to, redis_url):
    assert client_to(redis_url).get("/readyz").json == {"status": "ready"}
    down = client_to(DEAD_REDIS).get("/readyz")
    assert down.status_code == 503 and down.json == {"status": "unavailable"}


def test_internal_listener_tells_operators_why_and_serves_metrics(client_to, redis_url):
    down = client_to(DEAD_REDIS).get("/readyz", **INTERNAL)
    assert down.status_code == 503 and down.json["problems"] == ["redis: ConnectionError"]
    client = client_to(redis_url)
    assert client.get("/readyz", **INTERNAL).json == {"status": "ready", "service": "gateway"}
    metrics = client.get("/metrics", **INTERNAL)
    assert metrics.status_code == 200 and b"http_requests_total" in metrics.data


def test_without_an_internal_port_no_request_is_internal(app):
    client = app.test_client()
    assert client.get("/metrics", environ_overrides={"SERVER_PORT": "0"}).status_code == 404
    assert client.get("/readyz", environ_overrides={"SERVER_PORT": ""}).json == {"status": "ready"}


@pytest.fixture(scope="module")
def gunicorn_gateway(redis_url, tmp_path_factory):
    """The gateway under gunicorn with the deploy config, bound to a public port, an internal port, and a public
    unix socket (as behind a local reverse proxy)."""
    public, internal = free_port(), free_port()
    var_dir = tmp_path_factory.mktemp("gunicorn-gateway")
    env = dict(
        os.environ,
        BILLPAY_VAR_DIR=str(var_dir),
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=f"listeners-{public}:",
        INTERNAL_PORT=str(internal),
        WEB_CONCURRENCY="1",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{public}",
        "--bind",
        f"127.0.0.1:{internal}",
        "--bind",
        f"unix:{var_dir}/g.sock",
        "gateway:create_app()",
    ]
    with open(var_dir / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_serving(f"http://127.0.0.1:{public}/healthz", process, var_dir)
        yield f"http://127.0.0.1:{public}", f"http://127.0.0.1:{internal}", var_dir / "g.sock"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_serving(url, process, var_dir, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, (var_dir / "gunicorn.log").read_text()
        try:
            if get(url)[0] == 200:
                return
        except urllib3.exceptions.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def get(url, headers=None):
    response = urllib3.request("GET", url, headers=headers, retries=False, timeout=5)
    return response.status, response.data


def test_under_gunicorn_the_listener_is_the_socket_not_the_host_header(gunicorn_gateway):
    public, internal, _ = gunicorn_gateway
    internal_host = {"Host": internal.split("//")[1]}
    assert get(public + "/metrics")[0] == 404
    assert get(public + "/metrics", headers=internal_host)[0] == 404
    status, body = get(public + "/readyz", headers=internal_host)
    assert status == 200 and json.loads(body) == {"status": "ready"}
    status, body = get(internal + "/readyz")
    assert status == 200 and json.loads(body) == {"status": "ready", "service": "gateway"}
    status, body = get(internal + "/metrics")
    assert status == 200 and b'route="/readyz"' in body


def test_a_unix_socket_listener_is_public_whatever_the_host_header_says(gunicorn_gateway):
    _, internal, unix_socket = gunicorn_gateway
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(5)
        connection.connect(str(unix_socket))
        connection.sendall(
            f"GET /metrics HTTP/1.1\r\nHost: {internal.split('//')[1]}\r\nConnection: close\r\n\r\n".encode()
        )
        status_line = connection.makefile("rb").readline()
    assert status_line.split()[1] == b"404"
