import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from auth_service import create_app, staff
from auth_service.config import Config
from auth_service.extensions import db, redis_ext
from auth_service.models import StaffMember
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
        STAFF_SIGN_IN_ADDRESS_LIMIT=100000,  # every test client is 127.0.0.1; the limit's own test sets it low
    ) as app:
        yield app


@pytest.fixture
def staff_headers(app):
    """staff_headers(username, *roles): a token auth_service itself signs for a staff member it holds (made, or
    given these roles, on the way); sign-in with password and TOTP has tests of its own."""

    def headers(username, *roles):
        with app.app_context():
            member = db.session.get(StaffMember, username)
            if member is None:
                member, _ = staff.create_staff(username, roles, "tests")
            member.roles, member.active = staff.checked_roles(roles), True
            db.session.commit()
            token = staff.issue_staff_token(member, time.time())["access_token"]
        return {"Authorization": f"Bearer {token}"}

    return headers


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
