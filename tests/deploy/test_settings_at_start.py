"""A wrong setting stops a real process at start: one line on stderr naming the variable, no traceback, and a
non-zero exit, under gunicorn (deploy/gunicorn.conf.py) and under `flask --app <service>`."""

import os
import subprocess
import sys

import pytest
from deploy_helpers import DEPLOY, REPO, free_port

from billpay_common.settings import SETTINGS_ERROR_EXIT, EnvironmentSettings, read_settings, setting


def _environment(tmp_path, **settings):
    env = {name: value for name, value in os.environ.items() if name not in {"PORT", "PAYMENT_PROCESSOR"}}
    env.update(BILLPAY_VAR_DIR=str(tmp_path / "var"), PORT=str(free_port()), HOST="127.0.0.1", WEB_CONCURRENCY="1")
    env.update(settings)
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    return result.returncode, result.stderr.splitlines()


def _gunicorn(package):
    return [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), f"{package}:create_app()"]


def _flask(package, *args):
    return [sys.executable, "-m", "flask", "--app", package, *args]


WRONG = [
    ("gunicorn", "auth_service", "PORT", "abc", "valid integer"),
    ("gunicorn", "gateway", "GUNICORN_THREADS", "0", "greater than or equal to 1"),
    ("gunicorn", "auth_service", "LOGIN_LOCKOUT_THRESHOLD", "-1", "greater than or equal to 1"),
    ("gunicorn", "payment_service", "PAYMENT_PROCESSOR", "no_such_adapter:Processor", "cannot import"),
    ("gunicorn", "gateway", "LOGIN_RATE_LIMIT", "lots", "60 per minute"),
    ("flask", "payment_service", "PAYMENT_PROCESSOR", "payment_service.processor:NoSuchClass", "cannot import"),
    ("flask", "invoice_service", "RESERVATION_TTL_SECONDS", "-60", "greater than 0"),
    ("flask", "notification_service", "RETRY_DELAYS_SECONDS", "10,soon", "valid number"),
    ("flask", "payment_service", "AUTOPAY_RETRY_DAYS", "7,3", "rising whole days"),
    ("flask", "auth_service", "LOG_LEVEL", "chatty", "'DEBUG', 'INFO'"),
    ("flask", "invoice_service", "INVOICE_SERVICE_CALLERS", "payment_service=abc123", "entry 1 must read"),
    ("gunicorn", "payment_service", "PAYMENT_SERVICE_KEY", "short-key", "at least 32 characters"),
]


@pytest.mark.parametrize(
    "server, package, variable, value, reason",
    WRONG,
    ids=[f"{server}-{package}-{variable}" for server, package, variable, *_ in WRONG],
)
def test_a_wrong_value_stops_the_start_with_one_line_naming_it(tmp_path, server, package, variable, value, reason):
    command = _gunicorn(package) if server == "gunicorn" else _flask(package, "routes")
    code, lines = _run(command, _environment(tmp_path, **{variable: value}))
    assert code != 0
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"invalid setting: {variable}") and reason in lines[0], lines[0]


def test_the_worker_command_stops_the_same_way(tmp_path):
    code, lines = _run(_flask("notification_service", "worker"), _environment(tmp_path, WORKER_BATCH_SIZE="-2"))
    assert code != 0 and len(lines) == 1 and "WORKER_BATCH_SIZE='-2'" in lines[0], lines


def test_a_secret_value_is_never_printed(monkeypatch, capsys):
    class WithSecret(EnvironmentSettings):
        SIGNING_KEY_ID: int = setting(0, "a secret that must be a number", secret=True)

    monkeypatch.setenv("SIGNING_KEY_ID", "hunter2")
    with pytest.raises(SystemExit) as stopped:
        read_settings(WithSecret)
    assert stopped.value.code == SETTINGS_ERROR_EXIT
    line = capsys.readouterr().err.strip()
    assert line.startswith("invalid setting: SIGNING_KEY_ID: ") and "hunter2" not in line, line


def test_the_same_settings_pass_with_right_values(tmp_path):
    code, lines = _run(_flask("auth_service", "routes"), _environment(tmp_path, LOGIN_LOCKOUT_THRESHOLD="5"))
    assert code == 0, lines
