"""The card number and card code reach the card processor only (the stack's sandbox processor, its own process):
after tokenizing, paying, declining, failing validation, sending a card to the API anyway and saving a card with a
number made for this test, no log, no table of any service, no Redis key and no e-mail holds it."""

import random
import uuid

import redis
import sqlalchemy

from tests.support.accounts import NewInvoice, create_subscriber
from tests.support.cards import VISA_DECLINED, in_groups
from tests.support.sandbox import payment_method, tokenize

SERVICES = ("auth_service", "invoice_service", "payment_service", "notification_service")


def luhn_visa():
    """A Visa number no other test uses: random digits, Luhn check digit."""
    digits = [4] + [random.randint(0, 9) for _ in range(14)]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _subscriber(stack):
    subscriber = create_subscriber(
        stack,
        [NewInvoice("80.00", "2026-01-05", "2026-02-05", charged=False)],
        name="Card Tester",
        billing_name="Tester, Card",
        email="cards@example.com",
    )
    return subscriber.api(), subscriber.invoices[0]


def _pay(client, invoice, payment_method, amount="10.00", **extra):
    return client.post(
        "/api/payments",
        {
            "allocations": [{"invoice": invoice, "amount": amount}],
            "payment_method": payment_method,
            "receipt_email": "cards@example.com",
            **extra,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def _database_text(stack, service):
    url = stack.env.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{stack.var_dir / (service + '.db')}"
    engine = sqlalchemy.create_engine(url)
    chunks = []
    try:
        with engine.connect() as connection:
            metadata = sqlalchemy.MetaData()
            metadata.reflect(connection)
            for table in metadata.sorted_tables:
                chunks.extend(str(row) for row in connection.execute(table.select()))
    finally:
        engine.dispose()
    return "\n".join(chunks)


def _redis_text(stack):
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    prefix = stack.env["REDIS_KEY_PREFIX"]
    chunks = []
    for key in client.scan_iter(match=prefix + "*"):
        kind = client.type(key)
        if kind == b"stream":
            chunks.append(str(client.xrange(key)))
        elif kind == b"string":
            chunks.append(str(client.get(key)))
        elif kind == b"hash":
            chunks.append(str(client.hgetall(key)))
        elif kind == b"list":
            chunks.append(str(client.lrange(key, 0, -1)))
        elif kind == b"zset":
            chunks.append(str(client.zrange(key, 0, -1)))
    return "\n".join(chunks)


def test_card_number_is_never_stored_logged_queued_or_echoed(stack):
    client, invoice = _subscriber(stack)
    number = luhn_visa()
    spaced = in_groups(number)
    sandbox = stack.url("sandbox_processor")

    def token(card_number=number, exp_month=12, exp_year=2034):
        return payment_method(sandbox, card_number, "987", exp_month, exp_year)

    refused_at_the_processor = [tokenize(sandbox, spaced, "12"), tokenize(sandbox, spaced, "987", exp_month=13)]
    assert [status for status, _ in refused_at_the_processor] == [402, 402]
    card = {"number": spaced, "exp_month": 12, "exp_year": 2034, "cvc": "987"}
    sent_a_card = client.post(
        "/api/payments",
        {"allocations": [{"invoice": invoice, "amount": "1.00"}], "card": card},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    responses = [
        _pay(client, invoice, token(), save_card=True),
        _pay(client, invoice, token(), amount="9999.00"),
        _pay(client, invoice, token(VISA_DECLINED)),
        sent_a_card,
        client.post("/api/payment-profiles", {"payment_method": token(exp_month=11, exp_year=2033)}),
        client.post("/api/payment-profiles", {"card": card}),
    ]
    assert [response.status for response in responses] == [201, 409, 402, 422, 201, 422], responses[0].data
    assert "processor's own fields" in sent_a_card.json_body["error"]["message"]
    assert responses[0].json_body["card"] == {"brand": "Visa", "last4": number[-4:]}
    for response in responses:
        assert number not in response.data.decode() and spaced not in response.data.decode()
    for _, answer in refused_at_the_processor:
        assert number not in str(answer) and spaced not in str(answer)

    places = {f"{service} database": _database_text(stack, service) for service in SERVICES}
    places["redis"] = _redis_text(stack)
    for log in stack.log_dir.glob("*.log"):
        places[f"log {log.name}"] = log.read_text(errors="replace")
    for mail in stack.mail_dir.glob("*.eml"):
        places[f"e-mail {mail.name}"] = mail.read_text(errors="replace")
    for place, text in places.items():
        assert number not in text, f"the card number is in the {place}"
        assert spaced not in text, f"the card number is in the {place}"
    assert any(number[-4:] in text for text in places.values())  # what may be kept (last 4) is kept
