import json
from urllib.parse import parse_qs, urlsplit

import pytest

from auth_service import create_app
from auth_service.config import Config
from auth_service.extensions import redis_ext
from billpay_common.queue import EMAIL_STREAM, PASSCODE_RESET
from tests.support.service_apps import service_app


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    with service_app(
        create_app,
        Config,
        "auth_service",
        redis_url,
        tmp_path_factory.mktemp("auth"),
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST=1024,
        ARGON2_PARALLELISM=1,
    ) as app:
        yield app


def _reset_jobs(app, account):
    with app.app_context():
        entries = redis_ext.client.xrange(redis_ext.prefix + EMAIL_STREAM)
    jobs = [json.loads(fields[b"job"]) for _, fields in entries]
    return [job for job in jobs if job["type"] == PASSCODE_RESET and job["account"] == account]


def _reset_token(app, account):
    """The token of the newest link e-mailed to the account."""
    link = _reset_jobs(app, account)[-1]["data"]["link"]
    return parse_qs(urlsplit(link).query)["token"][0]


@pytest.fixture
def reset_jobs(app):
    """The set-passcode e-mails queued for an account, read back from the e-mail stream."""
    return lambda account: _reset_jobs(app, account)


@pytest.fixture
def reset_token(app):
    return lambda account: _reset_token(app, account)
