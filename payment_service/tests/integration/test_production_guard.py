"""BILLPAY_ENVIRONMENT=production: payment_service refuses to start with a processor that takes no real money."""

import os
import subprocess
import sys

import pytest

from billpay_common.settings import SETTINGS_ERROR_EXIT, read_settings
from payment_service.config import STRIPE, PaymentSettings

LIVE = {
    "BILLPAY_ENVIRONMENT": "production",
    "PAYMENT_PROCESSOR": STRIPE,
    "STRIPE_API_KEY": "sk_live_not_a_real_key",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_not_a_real_key",
    "STRIPE_WEBHOOK_SECRET": "whsec_not_a_real_secret",
}


def production(monkeypatch, **changes):
    for name, value in {**LIVE, **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"PAYMENT_PROCESSOR": None}, "PAYMENT_PROCESSOR is the sandbox"),
        ({"PAYMENT_PROCESSOR": "payment_service.processor.sandbox:SandboxProcessor"}, "the sandbox"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:8420"}, "STRIPE_API_BASE points at a Stripe stand-in"),
        ({"STRIPE_API_KEY": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}, "STRIPE_API_KEY is a test key"),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_test_abc"}, "STRIPE_PUBLISHABLE_KEY is a test key"),
        ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_WEBHOOK_SECRET is empty"),
    ],
)
def test_production_refuses_a_test_processor_in_one_line(monkeypatch, capsys, changes, reason):
    production(monkeypatch, **changes)
    with pytest.raises(SystemExit) as stopped:
        read_settings(PaymentSettings)
    assert stopped.value.code == SETTINGS_ERROR_EXIT
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("invalid setting: BILLPAY_ENVIRONMENT='production'"), lines
    assert reason in lines[0] and "sk_test_4eC39" not in lines[0], lines[0]


def test_production_starts_with_stripe_and_live_keys(monkeypatch):
    production(monkeypatch)
    assert read_settings(PaymentSettings).PAYMENT_PROCESSOR == STRIPE


def test_development_keeps_the_sandbox_and_test_keys(monkeypatch):
    production(monkeypatch, BILLPAY_ENVIRONMENT=None, PAYMENT_PROCESSOR=None, STRIPE_API_KEY="sk_test_x")
    assert read_settings(PaymentSettings).PAYMENT_PROCESSOR.endswith("sandbox:SandboxProcessor")


def test_the_service_command_stops_before_serving(tmp_path):
    environment = {**os.environ, "BILLPAY_VAR_DIR": str(tmp_path), "BILLPAY_ENVIRONMENT": "production"}
    environment.pop("PAYMENT_PROCESSOR", None)
    started = subprocess.run(
        [sys.executable, "-m", "payment_service", "db", "current"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    lines = started.stderr.strip().splitlines()
    assert len(lines) == 1 and "production refuses a test processor" in lines[0], lines
