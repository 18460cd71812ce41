"""PostgreSQL stopped for 10 seconds (`docker stop`, then `docker start` of its container), the whole stack's
database at once: the services answer 503 with the JSON error envelope (never a 500 or a traceback), the portal a
friendly page, and once PostgreSQL is back, signing in and the invoice list work again with nothing restarted.
tests/faults/test_database_down.py holds the same behaviour in-process (one service, a cut TCP proxy); this is
the real server going away under every service."""

import time

from compose import FIGURES, docker
from people import new_subscribers, signed_in

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser

OUTAGE_SECONDS = 10

_READYZ = """
import json, os, urllib.error, urllib.request
try:
    with urllib.request.urlopen("http://127.0.0.1:" + os.environ["PORT"] + "/readyz", timeout=5) as response:
        print(json.dumps([response.status, json.loads(response.read())]))
except urllib.error.HTTPError as error:
    print(json.dumps([error.code, json.loads(error.read())]))
"""


def _json_error(response):
    assert response.headers.get("Content-Type", "").startswith("application/json"), (response.status, response.data)
    body = response.data.decode()
    assert "Traceback" not in body and "psycopg" not in body.lower() and "sqlalchemy" not in body.lower(), body
    return response.json_body["error"]


def _during_outage(stack, client, browser, account, passcode):
    return {
        "invoice list": client.get("/api/invoices?per_page=10&start=2026-01-01"),
        "account": client.get("/api/account"),
        "payments": client.get("/api/payments"),
        "login": ApiClient(stack.gateway).post("/api/auth/login", {"username": account, "password": passcode}),
        "billing page": browser.get("/billing"),
        "readyz": {service: stack.python_in(service, _READYZ) for service in ("invoice-service", "auth-service")},
    }


def _wait_until_it_works(stack, account, passcode, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        login = ApiClient(stack.gateway).post("/api/auth/login", {"username": account, "password": passcode})
        if login.status == 200:
            token = login.json_body["access_token"]
            listing = ApiClient(stack.gateway, {"Authorization": f"Bearer {token}"}).get("/api/invoices")
            if listing.status == 200:
                return
        assert time.monotonic() < deadline, f"still failing {timeout}s after PostgreSQL came back: {login.status}"
        time.sleep(0.5)


def test_postgres_stopped_for_ten_seconds_gives_503s_and_a_friendly_page_then_recovers_alone(stack):
    ((account, numbers, client),) = new_subscribers(stack, 1, invoices_each=1, amount="40.00")
    passcode = client.passcode
    browser = PortalBrowser(stack.gateway)
    assert browser.login(account, passcode).status == 302
    assert browser.get("/billing").status == 200
    postgres = stack.containers("postgres")[0]
    others_before = {c: docker("inspect", "-f", "{{.State.StartedAt}}", c) for c in _service_containers(stack)}

    stopped = time.monotonic()
    docker("stop", postgres)
    answers = _during_outage(stack, client, browser, account, passcode)
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
    docker("start", postgres)
    started = time.monotonic()
    stack.wait_healthy(postgres)
    _wait_until_it_works(stack, account, passcode)
    recovered = time.monotonic()

    for name in ("invoice list", "account", "payments", "login"):
        response = answers[name]
        error = _json_error(response)
        assert response.status == 503, (name, response.status, error)
        assert error["message"], name
    page = answers["billing page"]
    assert page.status == 503 and page.headers["Content-Type"].startswith("text/html")
    assert "Temporarily unavailable" in page.text and "try again" in page.text and "Traceback" not in page.text
    for service, (status, body) in answers["readyz"].items():
        assert status == 503 and any(p.startswith("database") for p in body["problems"]), (service, body)

    # Recovered by itself: the same portal session and a new sign-in both work, and no service was restarted.
    assert browser.get("/billing").status == 200
    fresh = signed_in(stack.gateway, account, passcode)
    assert fresh.get(f"/api/invoices/{numbers[0]}").json_body["balance"] == "40.00"
    assert {c: docker("inspect", "-f", "{{.State.StartedAt}}", c) for c in others_before} == others_before
    FIGURES["PostgreSQL stopped"] = {
        "seconds stopped": round(started - stopped, 1),
        "seconds from its start until sign-in and the invoice list worked": round(recovered - started, 1),
    }


def _service_containers(stack):
    return [
        container
        for service in ("gateway", "auth-service", "invoice-service", "payment-service", "notification-service")
        for container in stack.containers(service)
    ]
