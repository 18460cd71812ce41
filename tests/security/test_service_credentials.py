"""On the running stack, each process holds only its own credentials (read from the live process's environment,
as an attacker on that host would) and the internal endpoints take payment_service's key alone."""

from pathlib import Path

import pytest

from billpay_common.service_auth import identify_caller, parse_callers
from devtools.api_client import ApiClient
from devtools.stack import WORKERS

# OPS_API_KEY and SERVICE_API_KEY are the keys every pod once shared: no process may hold them now.
CREDENTIALS = {"OPS_API_KEY", "PAYMENT_SERVICE_KEY", "INVOICE_SERVICE_CALLERS", "SERVICE_API_KEY"}
OWN = {
    "gateway": set(),
    "auth_service": set(),
    "invoice_service": {"INVOICE_SERVICE_CALLERS"},
    "payment_service": {"PAYMENT_SERVICE_KEY"},
    "notification_service": set(),
}


def live_environment(process):
    raw = Path(f"/proc/{process.pid}/environ").read_bytes()
    return dict(item.decode().split("=", 1) for item in raw.split(b"\0") if b"=" in item)


@pytest.mark.parametrize(
    "name", ["gateway", "auth_service", "invoice_service", "payment_service", "notification_service"]
)
def test_each_service_process_holds_only_its_own_credentials(stack, name):
    if not stack.has(name):
        pytest.skip(f"{name} is not in this stack")
    environment = live_environment(stack.processes[name])
    assert set(environment) & CREDENTIALS == OWN[name]
    others = {stack.env[key] for key in CREDENTIALS - OWN[name] if key in stack.env}
    assert not others & set(environment.values()), f"{name} holds another's credential under another name"


def test_workers_hold_only_their_services_credentials(stack):
    for name, process in stack.processes.items():
        worker = name.split(".")[0]
        if worker in WORKERS:
            assert set(live_environment(process)) & CREDENTIALS == OWN[WORKERS[worker]], name


def test_invoice_service_accepts_the_key_payment_service_holds_and_nothing_else(stack):
    key = live_environment(stack.processes["payment_service"])["PAYMENT_SERVICE_KEY"]
    accepted = parse_callers(live_environment(stack.processes["invoice_service"])["INVOICE_SERVICE_CALLERS"])
    assert identify_caller(key, accepted) == "payment_service"
    invoices = ApiClient(stack.url("invoice_service"))
    assert invoices.get("/internal/accounts/99939999", headers={"X-Service-Key": key}).status == 200
    office = invoices.get("/internal/accounts/99939999", headers=stack.staff_headers())
    assert office.status == 401
