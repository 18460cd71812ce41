"""Card testing through the real API, sandbox processor, invoice_service and Redis: declines per account, per
client address and per card (limits 5, 10 and 3, the defaults), refused with 429 before the processor or any
reservation, audited, lifted by the office, and held in Redis across app instances.

Each test gets an app of its own Redis key prefix (fresh windows) that takes the client address from one proxy
(TRUSTED_PROXY_COUNT=1), as payment_service does behind the gateway."""

import contextlib
import threading
import uuid
from decimal import Decimal

import pytest
from payment_helpers import body, key, sandbox_charge

from billpay_common.staff_auth import SUPERVISOR
from devtools.testing import unique_account
from payment_service import create_app
from payment_service import declines as payment_declines
from payment_service.card_testing import TooManyDeclines
from payment_service.config import Config, engine_options
from tests.support.sandbox import SECRET_KEY as SANDBOX_SECRET_KEY
from tests.support.service_apps import PAYMENT_SERVICE_KEY, database_url, migrated_app, unique_prefix

DECLINED = "Your card was declined. Use another card or call your bank."
# Every sandbox number that declines (declined, insufficient funds, card code fails), each a different card.
DECLINING = (
    "4000000000000002",
    "5100000000000008",
    "370000000000002",
    "6011000000000004",
    "36000000000008",
    "3528000000000007",
    "4000000000009995",
    "5100000000009991",
    "370000000009995",
    "6011000000009997",
    "36000000009991",
    "3528000000009990",
    "4000000000000127",
)
GOOD = "4242424242424242"


@pytest.fixture(scope="module")
def config_class(redis_url, tmp_path_factory, invoice_service, sandbox_url):
    class CardTestingConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url("payment_service", tmp_path_factory.mktemp("card_testing"))
        REDIS_URL = redis_url
        PAYMENT_SERVICE_KEY = PAYMENT_SERVICE_KEY
        INVOICE_SERVICE_URL = invoice_service.url
        HTTP_TIMEOUT_SECONDS = 2.0
        TRUSTED_PROXY_COUNT = 1
        SANDBOX_PROCESSOR_URL = sandbox_url
        SANDBOX_PROCESSOR_KEY = SANDBOX_SECRET_KEY

    CardTestingConfig.SQLALCHEMY_ENGINE_OPTIONS = engine_options(CardTestingConfig.SQLALCHEMY_DATABASE_URI)
    return CardTestingConfig


@contextlib.contextmanager
def app_sharing(config_class, prefix, tokens):
    """One more instance of payment_service on the same database and Redis windows (as another process is)."""
    with migrated_app(create_app, type("Instance", (config_class,), {"REDIS_KEY_PREFIX": prefix})) as app:
        tokens.install(app)
        yield app


@pytest.fixture
def office(tokens):
    """A supervisor of the office (lifting a block is a supervisor's job)."""
    return tokens.staff_headers("jsmith", SUPERVISOR)


@pytest.fixture
def prefix():
    return unique_prefix()


@pytest.fixture
def guarded(config_class, prefix, tokens):
    with app_sharing(config_class, prefix, tokens) as app:
        yield app


@pytest.fixture
def client(guarded):
    return guarded.test_client()


def new_address():
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


class Subscriber:
    """An account paying through one client, from one address (what the gateway forwards)."""

    def __init__(self, client, tokens, new_invoice, address=None):
        self.client, self.account, self.address = client, unique_account(), address or new_address()
        self.auth = tokens.headers(self.account, name="Jones, Michael")
        self.new_invoice = new_invoice

    def pay(self, number, amount="20.00", invoice=None, client=None):
        invoice = invoice or self.new_invoice("20.00", owner=self.account)
        headers = {**self.auth, "Idempotency-Key": key(), "X-Forwarded-For": self.address}
        return (client or self.client).post("/payments", json=body([(invoice, amount)], number=number), headers=headers)

    def payment_ids(self):
        return [item["id"] for item in self.client.get("/payments?per_page=100", headers=self.auth).json["items"]]


@pytest.fixture
def subscriber(client, tokens, new_invoice):
    return lambda address=None: Subscriber(client, tokens, new_invoice, address)


def processor_calls(payment_ids):
    """What the sandbox processor was asked to charge for these payments, from its own ledger (it keeps
    declined attempts too)."""
    charges = (sandbox_charge(payment_id) for payment_id in payment_ids)
    return [charge["status"] for charge in charges if charge is not None]


def declines(who, cards):
    for number in cards:
        response = who.pay(number)
        assert response.status_code == 402, response.json
        assert response.json["error"] == {"code": "card_declined", "message": DECLINED}


def assert_blocked(response, what):
    assert response.status_code == 429, response.json
    assert response.json["error"]["code"] == "too_many_declines"
    assert what in response.json["error"]["message"] and "try again in" in response.json["error"]["message"]
    return int(response.headers["Retry-After"])


def blocked_count(client):
    text = client.get("/metrics").get_data(as_text=True)
    line = next((line for line in text.splitlines() if line.startswith('payments_total{outcome="blocked"}')), None)
    return float(line.split()[-1]) if line else 0.0


def test_the_sixth_attempt_after_five_declines_is_429_and_never_reaches_the_processor(
    office, guarded, client, subscriber, invoice_service
):
    who = subscriber()
    blocked_before = blocked_count(client)
    declines(who, DECLINING[:5])
    invoice = who.new_invoice("20.00", owner=who.account)
    retry_after = assert_blocked(who.pay(GOOD, invoice=invoice), "this account")
    assert 3500 < retry_after <= 3600  # when the first of the five declines leaves the hour
    assert invoice_service.balance(invoice) == Decimal("20.00") and invoice_service.held(invoice) == 0
    payments = who.payment_ids()
    assert len(payments) == 5  # the refused attempt left no payment
    assert processor_calls(payments) == ["declined"] * 5
    assert blocked_count(client) == blocked_before + 1
    [entry] = client.get(f"/ops/card-testing-blocks?account={who.account}", headers=office).json
    assert (entry["action"], entry["kind"], entry["subject"]) == ("blocked", "account", who.account)
    assert entry["actor"] == f"account:{who.account}"


def test_every_decline_reason_is_the_same_answer_but_the_office_sees_the_processors_code(office, client, subscriber):
    who = subscriber()
    declines(who, ["4000000000000127", "4000000000009995"])  # card code fails, insufficient funds
    mine = client.get("/payments", headers=who.auth).json["items"]
    assert {(item["failure_code"], item["failure_message"]) for item in mine} == {("card_declined", DECLINED)}
    listed = client.get(f"/ops/payments?account={who.account}", headers=office).json["items"]
    assert sorted(item["failure_code"] for item in listed) == ["incorrect_cvc", "insufficient_funds"]


def test_approved_payments_do_not_count(subscriber):
    who = subscriber()
    for _ in range(6):
        assert who.pay(GOOD).status_code == 201
    declines(who, DECLINING[:5])


def test_another_account_from_the_same_address_is_refused_once_the_address_has_ten_declines(subscriber):
    address = new_address()
    first, second, third = subscriber(address), subscriber(address), subscriber(address)
    declines(first, DECLINING[:5])
    declines(second, DECLINING[5:10])
    assert_blocked(third.pay(GOOD), "your network address")
    assert third.payment_ids() == []
    assert subscriber().pay(GOOD).status_code == 201  # the same minute, another address


def test_one_card_declined_three_times_is_refused_on_any_account_and_address(guarded, subscriber):
    declines(subscriber(), ["4000000000000002"])
    declines(subscriber(), ["4000 0000 0000 0002"])
    declines(subscriber(), ["4000-0000-0000-0002"])
    fourth = subscriber()
    assert_blocked(fourth.pay("4000000000000002"), "this card")
    assert fourth.payment_ids() == []
    assert fourth.pay(GOOD).status_code == 201  # that account and address may still pay with another card


def test_the_office_lifts_a_block_by_api_and_by_command_and_each_is_audited(office, guarded, client, subscriber):
    who = subscriber()
    declines(who, DECLINING[:5])
    assert_blocked(who.pay(GOOD), "this account")
    assert client.delete(f"/ops/card-testing-blocks/account/{who.account}").status_code == 401
    assert client.delete(f"/ops/card-testing-blocks/planet/{who.account}", headers=office).status_code == 422
    lifted = client.delete(f"/ops/card-testing-blocks/account/{who.account}", headers=office)
    assert lifted.status_code == 200 and lifted.json == {"kind": "account", "subject": who.account, "lifted": True}
    assert who.pay(GOOD).status_code == 201

    declines(who, DECLINING[5:10])  # the address now holds ten declines, the account five again
    assert_blocked(who.pay(GOOD), "")
    result = guarded.test_cli_runner().invoke(args=["lift-card-testing-block", "address", who.address])
    assert result.exit_code == 0 and "block lifted" in result.output
    result = guarded.test_cli_runner().invoke(args=["lift-card-testing-block", "account", who.account])
    assert result.exit_code == 0
    assert who.pay(GOOD).status_code == 201

    entries = client.get(f"/ops/card-testing-blocks?subject={who.address}", headers=office).json
    assert [(entry["action"], entry["actor"][:4]) for entry in entries] == [("lifted", "cli:"), ("blocked", "acco")]
    by_office = client.get(f"/ops/card-testing-blocks?subject={who.account}", headers=office).json
    assert ("lifted", "staff:jsmith") in {(entry["action"], entry["actor"]) for entry in by_office}


def test_limits_hold_across_app_instances_sharing_redis(
    office, config_class, prefix, guarded, client, subscriber, tokens
):
    who = subscriber()
    with app_sharing(config_class, prefix, tokens) as other:
        other_client = other.test_client()
        declines(who, DECLINING[:3])
        for number in DECLINING[3:5]:
            assert who.pay(number, client=other_client).status_code == 402
        assert_blocked(who.pay(GOOD, client=other_client), "this account")
        assert_blocked(who.pay(GOOD), "this account")
        assert other_client.delete(f"/ops/card-testing-blocks/account/{who.account}", headers=office).json["lifted"]
        assert who.pay(GOOD).status_code == 201


@pytest.mark.parametrize(
    "amount, code, words",
    [("0.99", "amount_too_small", "smallest payment we take is $1.00"), ("10000.01", "amount_too_large", "$10,000.00")],
)
def test_amounts_outside_the_minimum_and_maximum_are_422_and_reserve_nothing(
    subscriber, invoice_service, amount, code, words
):
    who = subscriber()
    invoice = who.new_invoice("20000.00", owner=who.account)
    response = who.pay(GOOD, amount=amount, invoice=invoice)
    assert response.status_code == 422 and response.json["error"]["code"] == code
    assert words in response.json["error"]["message"]
    assert invoice_service.held(invoice) == 0 and who.payment_ids() == []
    assert who.pay(GOOD, amount="1.00", invoice=invoice).status_code == 201


def test_the_limits_are_published_for_forms(client, subscriber):
    who = subscriber()
    assert client.get("/payments/limits", headers=who.auth).json == {"min_amount": "1.00", "max_amount": "10000.00"}


def test_concurrent_attempts_never_overshoot_a_limit(guarded, subscriber, tokens):
    who = subscriber()
    invoices = [who.new_invoice("20.00", owner=who.account) for _ in DECLINING[:10]]
    start = threading.Barrier(10)
    statuses = [None] * 10

    def attempt(position):
        start.wait()
        client = guarded.test_client()
        statuses[position] = who.pay(DECLINING[position], invoice=invoices[position], client=client).status_code

    threads = [threading.Thread(target=attempt, args=(position,)) for position in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [402] * 5 + [429] * 5
    assert processor_calls(who.payment_ids()) == ["declined"] * 5


def test_concurrent_payments_with_one_clean_card_all_go_through(guarded, subscriber):
    who = subscriber()
    invoices = [who.new_invoice("20.00", owner=who.account) for _ in range(12)]
    start = threading.Barrier(12)
    statuses = [None] * 12

    def attempt(position):
        start.wait()
        statuses[position] = who.pay(GOOD, invoice=invoices[position], client=guarded.test_client()).status_code

    threads = [threading.Thread(target=attempt, args=(position,)) for position in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [201] * 12  # more than the account's limit of five in flight at once, none refused


def test_an_attempt_in_flight_holds_its_place_in_redis_until_it_settles(guarded):
    account = unique_account()
    with guarded.test_request_context(environ_base={"REMOTE_ADDR": new_address()}):
        in_flight = [payment_declines.admit(account, f"card-{n}", f"{account}:f{n}") for n in range(5)]
        for attempt in in_flight[:4]:
            attempt.declined()
        in_flight[4].done()
        payment_declines.admit(account, "card-x", f"{account}:x").declined()  # the freed place: the fifth decline
        with pytest.raises(TooManyDeclines) as refused:
            payment_declines.admit(account, "card-y", f"{account}:y")
        assert int(refused.value.headers["Retry-After"]) > 3500
