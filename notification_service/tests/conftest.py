import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from notification_helpers import make_worker, smtp_server

from billpay_common.queue import publish
from notification_service import create_app
from notification_service.config import Config
from notification_service.stream import EmailStream
from tests.support.service_apps import service_app, unique_prefix

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def smtp():
    with smtp_server() as (inbox, url):
        yield inbox, url


@pytest.fixture(scope="session")
def inbox(smtp):
    return smtp[0]


@pytest.fixture(scope="session")
def app(redis_url, smtp, tmp_path_factory):
    with service_app(
        create_app,
        Config,
        "notification_service",
        redis_url,
        tmp_path_factory.mktemp("notification"),
        SMTP_URL=smtp[1],
        SMTP_TIMEOUT_SECONDS=5.0,
        MAIL_FROM="billing@dss.example",
        RETRY_DELAYS_SECONDS=(0.1, 0.2),
        CLAIM_IDLE_SECONDS=1.0,
        WORKER_BLOCK_MS=100,
    ) as app:
        yield app


@pytest.fixture
def stream(app):
    """A stream of this test's own, so jobs left behind by one test never reach another."""
    prefix = unique_prefix()
    own = EmailStream(redis.Redis.from_url(app.config["REDIS_URL"]), prefix)
    own.prefix = prefix
    previous = app.extensions["email_stream"]
    app.extensions["email_stream"] = own
    yield own
    app.extensions["email_stream"] = previous


@pytest.fixture
def send(app, stream):
    def send_job(job):
        publish(stream.client, stream.prefix, job)
        return job

    return send_job


@pytest.fixture
def drain(app, stream):
    """Run an in-process worker until nothing is waiting."""

    def run(smtp_url=None):
        with app.app_context():
            make_worker(app, stream, smtp_url).run(burst=True)

    return run


@pytest.fixture
def spawn_worker(app, stream, tmp_path):
    """Start `flask --app notification_service worker` as a real process on this test's stream.

    Its output goes to a file, not a pipe nobody reads: a worker logging more than a pipe holds would block."""
    started = []

    def spawn(**extra_env):
        env = {
            **os.environ,
            "NOTIFICATION_SERVICE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "REDIS_KEY_PREFIX": stream.prefix,
            "SMTP_URL": app.config["SMTP_URL"],
            "RETRY_DELAYS_SECONDS": "0.1,0.2",
            "CLAIM_IDLE_SECONDS": "1",
            "WORKER_BLOCK_MS": "100",
            "LOG_LEVEL": "WARNING",
            **{name: str(value) for name, value in extra_env.items()},
        }
        log_path = tmp_path / f"worker-{len(started) + 1}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "notification_service", "worker"],
                env=env,
                cwd=REPO,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        started.append((process, log_path))
        return process

    yield spawn
    for process, log_path in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        logged = log_path.read_text(errors="replace")
        if logged:
            print(f"--- {log_path.name} (exit {process.returncode}) ---\n{logged[-4000:]}")
