import json

import pytest
import redis
from payment_helpers import body, pay
from redis.backoff import NoBackoff
from redis.retry import Retry

from devtools.redis_server import PrivateRedis
from payment_service import outbox
from payment_service.clients import InvoiceClient, invoice_client
from payment_service.extensions import db
from payment_service.models import OutboxEvent


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.stop()


def _jobs(client, prefix):
    return [json.loads(fields[b"job"]) for _, fields in client.xrange(prefix + "stream:email")]


def _unrelayed(app, payment_id):
    """Undo the relay that ran right after the payment committed, to exercise the worker's relay on its own."""
    with app.app_context():
        for event in db.session.query(OutboxEvent).all():
            if event.data.get("payment_id") == payment_id:
                event.sent_at = None
        db.session.commit()


def _unsent(app):
    with app.app_context():
        return db.session.query(OutboxEvent).filter(OutboxEvent.sent_at.is_(None)).count()


def test_receipts_wait_while_redis_is_down_and_go_when_it_is_back(
    app, client, auth, account, new_invoice, private_redis
):
    first, second = new_invoice("108.00"), new_invoice("107.95")
    payment = pay(client, auth, body([(first, "108.00"), (second, "107.95")])).json
    _unrelayed(app, payment["id"])
    queue = redis.Redis(
        unix_socket_path=str(private_redis.socket), socket_timeout=2, retry=Retry(NoBackoff(), 0)
    )  # fail at once instead of backing off for seconds
    prefix = "relaytest:"
    private_redis.stop()
    with app.app_context():
        assert outbox.relay(queue, prefix, invoice_client()) == 0
    assert _unsent(app) >= 1
    private_redis.start()
    with app.app_context():
        while outbox.relay(queue, prefix, invoice_client()):
            pass
    assert _unsent(app) == 0
    receipts = [job for job in _jobs(queue, prefix) if job["data"].get("payment_id") == payment["id"]]
    assert len(receipts) == 1
    receipt = receipts[0]
    assert receipt["type"] == "payment.receipt" and receipt["account"] == account
    assert receipt["to"] == "subscriber@example.com"  # no receipt_email: the account's, from invoice_service
    assert receipt["data"] == {
        "payment_id": payment["id"],
        "date": payment["created_at"][:10],
        "total": "215.95",
        "allocations": [{"invoice": first, "amount": "108.00"}, {"invoice": second, "amount": "107.95"}],
        "card": {"brand": "Visa", "last4": "4242"},
        "account": account,
        "account_name": "Jones, Michael",
    }


def test_a_given_receipt_email_is_used(app, client, auth, new_invoice, private_redis):
    payment = pay(client, auth, body([(new_invoice("5.00"), "5.00")], receipt_email="other@example.com")).json
    _unrelayed(app, payment["id"])
    queue = redis.Redis(unix_socket_path=str(private_redis.socket))
    with app.app_context():
        while outbox.relay(queue, "relaytest2:", invoice_client()):
            pass
    receipts = [job for job in _jobs(queue, "relaytest2:") if job["data"].get("payment_id") == payment["id"]]
    assert [job["to"] for job in receipts] == ["other@example.com"]


def test_a_receipt_is_relayed_as_soon_as_the_payment_commits(app, client, tokens, new_invoice, redis_url):
    from devtools.testing import unique_account

    account = unique_account()  # an account of its own: nothing else of this session waits in its outbox
    invoice = new_invoice("7.00", owner=account)
    payment = pay(client, tokens.headers(account), body([(invoice, "7.00")], receipt_email="now@example.com")).json
    queue, prefix = redis.Redis.from_url(redis_url), app.config["REDIS_KEY_PREFIX"]
    receipts = [job for job in _jobs(queue, prefix) if job["data"].get("payment_id") == payment["id"]]
    assert [job["to"] for job in receipts] == ["now@example.com"]  # no worker ran: the request relayed it


def test_a_receipt_needs_no_account_look_up_the_confirm_answered_the_address_on_file(
    app, client, auth, account, new_invoice, private_redis
):
    to_self = pay(client, auth, body([(new_invoice("6.00"), "6.00")])).json
    elsewhere = pay(client, auth, body([(new_invoice("4.00"), "4.00")], receipt_email="other@example.com")).json
    for payment in (to_self, elsewhere):
        _unrelayed(app, payment["id"])
    queue = redis.Redis(unix_socket_path=str(private_redis.socket))
    invoice_service_away = InvoiceClient("http://127.0.0.1:9", "any-key", 2)  # a look-up would stop the relay
    with app.app_context():
        while outbox.relay(queue, "relaytest3:", invoice_service_away, account):
            pass
    jobs = _jobs(queue, "relaytest3:")
    receipts = {job["data"].get("payment_id"): job for job in jobs if job["type"] == "payment.receipt"}
    assert receipts[to_self["id"]]["to"] == "subscriber@example.com"
    assert receipts[elsewhere["id"]]["to"] == "other@example.com"
    assert all(outbox.ON_FILE not in job["data"] for job in jobs)  # kept for the relay, never sent on
    notices = [job for job in jobs if job["to"] == "subscriber@example.com" and job["type"] != "payment.receipt"]
    assert len(notices) == 1  # the account's own address is told its receipt went to another one
