"""The deployment suite: every image built, the Compose stack run for real. Not part of `make test`: it is
collected only when named on the command line (`make test-deploy` runs `pytest tests/deploy_stack`) or with
BILLPAY_DEPLOY_STACK=1. It skips only where no Docker engine can run.

The figures the tests measure (build and start times, start-to-ready per image, the scale, kill and rolling-restart
runs) are printed at the end of the run. While working on the suite, BILLPAY_DEPLOY_KEEP=1 leaves the stack up
after the run and BILLPAY_DEPLOY_REUSE=1 runs against a stack left up that way (no rebuild; `up -d` applies
what changed)."""

import base64
import os
import secrets
import subprocess
import time
from pathlib import Path

import pytest
from compose import DEPLOY, FIGURES, REPO, TEST_OVERRIDE, Compose, MailListing, docker, environment_of

from billpay_common.service_auth import digest

HERE = Path(__file__).resolve().parent
PROJECT = "billpay-deploy-test"


def _named_on_command_line(config):
    return any(Path(arg.split("::")[0]).resolve().is_relative_to(HERE) for arg in config.args)


def pytest_ignore_collect(collection_path, config):
    if collection_path.resolve().is_relative_to(HERE) and collection_path.name.startswith("test_"):
        return not (os.environ.get("BILLPAY_DEPLOY_STACK") == "1" or _named_on_command_line(config))
    return None


def payment_service_credentials():
    """A fresh key for payment_service, and invoice_service accepting only it."""
    key = secrets.token_urlsafe(32)
    return {"PAYMENT_SERVICE_KEY": key, "INVOICE_SERVICE_CALLERS": f"payment_service={digest(key)}"}


def pytest_collection_modifyitems(items):
    # A whole Compose stack on a shared 2-core machine: the suite-wide 300 s would cut the first test's setup
    # (images, `up`); each test still has a bound, and so has every docker command.
    for item in items:
        if Path(item.fspath).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.timeout(1200))


def _engine():
    result = subprocess.run([str(DEPLOY / "images" / "engine.sh")], capture_output=True, text=True, timeout=300)
    if result.returncode == 3:
        pytest.skip(f"no Docker engine can run here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr


def _present(image):
    """Images are used only when already on this machine: the tests never pull (no traffic leaves it)."""
    return subprocess.run(["docker", "image", "inspect", image], capture_output=True, timeout=120).returncode == 0


@pytest.fixture(scope="session")
def timings():
    return FIGURES.setdefault("stack", {})


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("deployment figures")
    for section, values in FIGURES.items():
        terminalreporter.write_line(f"{section}:")
        for name, value in values.items():
            terminalreporter.write_line(f"  {name}: {value}")


def _reusable(compose):
    return os.environ.get("BILLPAY_DEPLOY_REUSE") == "1" and bool(compose.containers("postgres"))


@pytest.fixture(scope="session")
def stack(timings):
    _engine()
    files = [DEPLOY / "docker-compose.yml"]
    if not _present("redis:7-alpine"):
        files.append(DEPLOY / "docker-compose.local.yml")
    files += [DEPLOY / "docker-compose.demo.yml", TEST_OVERRIDE]
    env = {
        "GATEWAY_PUBLISH": "127.0.0.1:",
        "CONSOLE_HOST_PORT": "",  # a free port each: the rolling restart runs two gateways
        "SANDBOX_PUBLISH": "127.0.0.1:",
        "DEMO_PASSCODE": secrets.token_urlsafe(12),
        "DEMO_STAFF_PASSWORD": secrets.token_urlsafe(12),
        "DEMO_STAFF_TOTP_SECRET": base64.b32encode(secrets.token_bytes(20)).decode(),
        **payment_service_credentials(),
        # 50 receipts to receipts@example.com in one test, each account's to an address not its own
        "EMAIL_DAILY_LIMIT_PER_RECIPIENT": "1000",
        "EMAIL_DAILY_LIMIT_PER_ACCOUNT": "1000",
        "SESSION_SECRET_KEY": secrets.token_urlsafe(32),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
        "PYTHON_IMAGE": "python:3.11-slim" if _present("python:3.11-slim") else "billpay/python-base:bookworm",
        # One gunicorn process per container (4 threads): replicas are what the suite scales, and each container
        # starts faster on a shared machine.
        "WEB_CONCURRENCY": "1",
    }
    compose = Compose(PROJECT, files, env)
    if _reusable(compose):
        _take_running_secrets(compose, env)
        compose.run("up", "-d", "--no-build", timeout=600)  # what changed in the Compose files since
    else:
        _build_and_start(compose, timings)
    compose.gateway = compose.published("gateway", 8000)
    compose.edge = compose.published("edge", 8080)
    compose.mail = MailListing(compose.published("mailpit", 8025))
    compose.sandbox = compose.published("sandbox-processor", 8010)
    compose.demo_passcode = env["DEMO_PASSCODE"]
    compose.demo_staff = (env["DEMO_STAFF_PASSWORD"], env["DEMO_STAFF_TOTP_SECRET"])
    try:
        yield compose
    finally:
        if os.environ.get("BILLPAY_DEPLOY_KEEP") != "1":
            compose.run("down", "-v", "--remove-orphans", check=False)


def _build_and_start(compose, timings):
    compose.run("down", "-v", "--remove-orphans")  # what a killed earlier run may have left
    started = time.monotonic()
    quiet = {**os.environ, "BILLPAY_NO_PULL": "1"}
    subprocess.run(["make", "-s", "images"], cwd=REPO, check=True, timeout=900, env=quiet)
    # The local world's test card processor: never one of the five images `make images` builds.
    subprocess.run(
        [str(DEPLOY / "images" / "build.sh"), "sandbox_processor"], cwd=REPO, check=True, timeout=900, env=quiet
    )
    compose.run("build", "-q", "postgres", "redis", "mailpit", "edge", timeout=900)
    timings["build_seconds"] = round(time.monotonic() - started, 1)
    for image in (
        "gateway",
        "auth-service",
        "invoice-service",
        "payment-service",
        "notification-service",
        "sandbox-processor",
    ):
        size = int(docker("image", "inspect", "-f", "{{.Size}}", f"billpay/{image}:local"))
        FIGURES.setdefault("image sizes (MB)", {})[image] = size // 1_000_000

    started = time.monotonic()
    compose.run("up", "-d", "--no-build", timeout=600)
    timings["up_seconds"] = round(time.monotonic() - started, 1)


def _take_running_secrets(compose, env):
    """The secrets a kept stack was started with, so Compose sees its own configuration (nothing recreated)."""
    for service in ("auth-service-migrate", "invoice-service-migrate", "payment-service-migrate", "postgres"):
        running = environment_of(compose.containers(service, all_states=True)[0])
        env.update({key: running[key] for key in env if key in running})
    compose.env.update(env)
