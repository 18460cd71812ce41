"""The sandbox card processor (the `sandbox_processor` package) for tests: its real app answering HTTP on a free
port, and a card tokenized through it the way its card fields do in the browser."""

import contextlib
import json
import urllib.request

from tests.support.serving import served

PUBLISHABLE_KEY = "pk_sandbox_local"  # the sandbox's own defaults, as `make run` and the test stacks run it
SECRET_KEY = "sk_sandbox_local"


@contextlib.contextmanager
def sandbox_processor(directory, latency_ms=0):
    """The sandbox processor on its own origin (http://127.0.0.1:<port>), its ledger in `directory`, each charge
    answered after `latency_ms`."""
    from sandbox_processor.config import Config

    from sandbox_processor import create_app

    class TestConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory}/sandbox_processor.db"
        SANDBOX_PUBLISHABLE_KEY = PUBLISHABLE_KEY
        SANDBOX_SECRET_KEY = SECRET_KEY
        SANDBOX_LATENCY_MS = latency_ms

    with served(create_app(TestConfig)) as url:
        yield url


def tokenize(sandbox_url, number, cvc="123", exp_month=12, exp_year=2035, key=PUBLISHABLE_KEY):
    """(status, JSON answer) of the sandbox's POST /v1/payment_methods, as its card fields send it."""
    card = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
    request = urllib.request.Request(
        f"{sandbox_url}/v1/payment_methods",
        data=json.dumps({"type": "card", "card": card}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def payment_method(sandbox_url, number, cvc=None, exp_month=12, exp_year=2035):
    """A one-time token (`pm_sbx_...`) for a test card; an American Express card gets a 4-digit code."""
    cvc = cvc or ("1234" if number.replace(" ", "")[:2] in ("34", "37") else "123")
    status, answer = tokenize(sandbox_url, number, cvc, exp_month, exp_year)
    assert status == 200, answer
    return answer["id"]


def call(sandbox_url, method, path, body=None, key=SECRET_KEY):
    """(status, JSON answer) of one sandbox API call."""
    request = urllib.request.Request(
        f"{sandbox_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def tokenize_bank_account(sandbox_url, account_number, routing_number="110000000", account_type="checking"):
    """(status, JSON answer) of tokenizing a US bank account, as the sandbox's bank-account fields send it."""
    details = {
        "routing_number": routing_number,
        "account_number": account_number,
        "account_type": account_type,
        "account_holder_name": "Michael Jones",
    }
    body = {"type": "us_bank_account", "us_bank_account": details}
    return call(sandbox_url, "POST", "/v1/payment_methods", body, key=PUBLISHABLE_KEY)


def move_clock(sandbox_url, day):
    status, answer = call(sandbox_url, "POST", "/v1/test_helpers/clock", {"today": day.isoformat()})
    assert status == 200, answer


def collect_bank_account(sandbox_url, client_secret, account_number="000123456789", confirm=True, **bank):
    """What the sandbox's Stripe.js does in the browser with a SetupIntent's client_secret: tokenize the bank account
    in its frame and attach it (collectBankAccountForSetup: requires_confirmation), then, with `confirm`, confirm it
    (confirmUsBankAccountSetup: succeeded, the mandate recorded). Returns the SetupIntent as the browser sees it."""
    status, method = tokenize_bank_account(sandbox_url, account_number, **bank)
    assert status == 200, method
    setup_id = client_secret.split("_secret_")[0]
    body = {"client_secret": client_secret, "payment_method": method["id"]}
    status, setup = call(sandbox_url, "POST", f"/v1/setup_intents/{setup_id}", body, key=PUBLISHABLE_KEY)
    assert status == 200, setup
    if confirm:
        acceptance = {"customer_acceptance": {"type": "online", "online": {"infer_from_client": True}}}
        body = {"client_secret": client_secret, "mandate_data": acceptance}
        status, setup = call(sandbox_url, "POST", f"/v1/setup_intents/{setup_id}/confirm", body, key=PUBLISHABLE_KEY)
        assert status == 200, setup
    return setup
