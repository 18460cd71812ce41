"""The deployment suite: every image built, the Compose stack run for real. Not part of `make test`: it is
collected only when named on the command line (`make test-deploy` runs `pytest tests/deploy_stack`) or with
BILLPAY_DEPLOY_STACK=1. It skips only where no Docker engine can run."""

import base64
import os
import secrets
import subprocess
import time
from pathlib import Path

import pytest
from compose import DEPLOY, REPO, TEST_OVERRIDE, Compose, MailListing

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


def _engine():
    result = subprocess.run([str(DEPLOY / "images" / "engine.sh")], capture_output=True, text=True, timeout=300)
    if result.returncode == 3:
        pytest.skip(f"no Docker engine can run here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr


def _public_images_present():
    """The public images only when already on this machine: the tests never pull (no traffic leaves it)."""
    return (
        subprocess.run(["docker", "image", "inspect", "redis:7-alpine"], capture_output=True, timeout=120).returncode
        == 0
    )


@pytest.fixture(scope="session")
def timings():
    return {}


@pytest.fixture(scope="session")
def stack(timings):
    _engine()
    files = [DEPLOY / "docker-compose.yml"]
    if not _public_images_present():
        files.append(DEPLOY / "docker-compose.local.yml")
    files += [DEPLOY / "docker-compose.demo.yml", TEST_OVERRIDE]
    env = {
        "GATEWAY_PUBLISH": "127.0.0.1:",
        "DEMO_PASSCODE": secrets.token_urlsafe(12),
        "DEMO_STAFF_PASSWORD": secrets.token_urlsafe(12),
        "DEMO_STAFF_TOTP_SECRET": base64.b32encode(secrets.token_bytes(20)).decode(),
        **payment_service_credentials(),
        "EMAIL_DAILY_LIMIT_PER_RECIPIENT": "1000",  # 50 receipts to receipts@example.com in one test
        "SESSION_SECRET_KEY": secrets.token_urlsafe(32),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
    }
    compose = Compose(PROJECT, files, env)
    compose.run("down", "-v", "--remove-orphans")  # what a killed earlier run may have left

    started = time.monotonic()
    subprocess.run(
        ["make", "-s", "images"], cwd=REPO, check=True, timeout=900, env={**os.environ, "BILLPAY_NO_PULL": "1"}
    )
    compose.run("build", "-q", "postgres", "redis", "mailpit", timeout=900)
    timings["build_seconds"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    compose.run("up", "-d", "--no-build", timeout=300)
    timings["up_seconds"] = round(time.monotonic() - started, 1)
    compose.gateway = compose.published("gateway", 8000)
    compose.mail = MailListing(compose.published("mailpit", 8025))
    compose.demo_passcode = env["DEMO_PASSCODE"]
    compose.demo_staff = (env["DEMO_STAFF_PASSWORD"], env["DEMO_STAFF_TOTP_SECRET"])
    try:
        yield compose
    finally:
        if os.environ.get("BILLPAY_DEPLOY_KEEP") != "1":
            compose.run("down", "-v", "--remove-orphans", check=False)
