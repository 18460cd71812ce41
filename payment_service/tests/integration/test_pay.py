from decimal import Decimal

import pytest
from payment_helpers import body, key, pay, sandbox_charges


def test_paying_two_invoices_in_full_drops_both_balances(client, auth, new_invoice, invoice_service):
    first, second = new_invoice("108.00"), new_invoice("107.95")
    response = pay(client, auth, body([(first, "108.00"), (second, "107.95")], receipt_email="m@example.com"))
    assert response.status_code == 201, response.json
    assert response.json["status"] == "succeeded"
    assert response.json["amount"] == "215.95"
    assert response.json["card"] == {"brand": "Visa", "last4": "4242"}
    assert response.json["allocations"] == [
        {"invoice": first, "amount": "108.00"},
        {"invoice": second, "amount": "107.95"},
    ]
    assert invoice_service.balance(first) == invoice_service.balance(second) == Decimal("0.00")


def test_a_partial_payment_leaves_the_rest_open(client, auth, new_invoice, invoice_service):
    number = new_invoice("108.00")
    assert pay(client, auth, body([(number, "8.00")])).status_code == 201
    assert invoice_service.balance(number) == Decimal("100.00")


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111111",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "3056930009020004",
        "3566002020360505",
    ],
)
def test_every_accepted_brand_pays(client, auth, new_invoice, number):
    response = pay(client, auth, body([(new_invoice("10.00"), "10.00")], number=number))
    assert response.status_code == 201 and response.json["status"] == "succeeded"


@pytest.mark.parametrize(
    "number, code",
    [
        ("4000000000000002", "card_declined"),
        ("5100000000009991", "insufficient_funds"),
        ("370000000000127", "incorrect_cvc"),
    ],
)
def test_a_decline_is_402_and_releases_the_reservation(
    client, auth, ops, account, new_invoice, invoice_service, number, code
):
    invoice = new_invoice("50.00")
    response = pay(client, auth, body([(invoice, "50.00")], number=number))
    assert response.status_code == 402
    assert response.json["error"] == {
        "code": "card_declined",  # whatever the reason: a card tester learns nothing
        "message": "Your card was declined. Use another card or call your bank.",
    }
    assert invoice_service.balance(invoice) == Decimal("50.00") and invoice_service.held(invoice) == 0
    listed = client.get(f"/ops/payments?account={account}", headers=ops).json["items"]
    assert [item["failure_code"] for item in listed] == [code]  # the processor's reason, for the office
    assert pay(client, auth, body([(invoice, "50.00")])).status_code == 201


def test_more_than_the_balance_is_409_and_nothing_is_charged(client, auth, new_invoice, invoice_service):
    invoice = new_invoice("20.00")
    response = pay(client, auth, body([(invoice, "20.01")]))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "amount_exceeds_balance" and invoice in response.json["error"]["message"]
    assert invoice_service.balance(invoice) == Decimal("20.00")


def test_another_accounts_invoice_is_404(client, auth, new_invoice):
    someone_elses = new_invoice("20.00", owner="1999999999")
    assert pay(client, auth, body([(someone_elses, "20.00")])).status_code == 404


def test_invoice_service_down_is_503_and_no_charge(app, client, auth, new_invoice, invoice_service):
    invoice = new_invoice("30.00")
    charges_before = sandbox_charges(app)
    invoice_service.down()
    try:
        idempotency_key = key()
        response = pay(client, auth, body([(invoice, "30.00")]), idempotency_key)
        assert response.status_code == 503 and response.json["error"]["code"] == "try_again_shortly"
        assert sandbox_charges(app) == charges_before
    finally:
        invoice_service.up()
    retry = pay(client, auth, body([(invoice, "30.00")]), idempotency_key)
    assert retry.status_code == 201 and invoice_service.balance(invoice) == Decimal("0.00")


PM = "pm_sbx_not_looked_up"  # refused before the processor is asked about it


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"allocations": [{"invoice": "1", "amount": "0"}], "payment_method": PM}, "allocations.0.amount"),
        ({"allocations": [{"invoice": "1", "amount": "-5.00"}], "payment_method": PM}, "allocations.0.amount"),
        ({"allocations": [{"invoice": "1", "amount": "1.005"}], "payment_method": PM}, "allocations.0.amount"),
        ({"allocations": [], "payment_method": PM}, "allocations"),
        (
            {
                "allocations": [{"invoice": "1", "amount": "1.00"}, {"invoice": "1", "amount": "2.00"}],
                "payment_method": PM,
            },
            "allocations.1.invoice",
        ),
        ({"allocations": [{"invoice": "1", "amount": "1.00"}]}, "payment_method"),
        ({"allocations": [{"invoice": "1", "amount": "1.00"}], "payment_method": "pm_sbx_unknown"}, "payment_method"),
        ({"allocations": [{"invoice": "1", "amount": "1.00"}], "payment_method": ""}, "payment_method"),
        ({"allocations": [{"invoice": "1", "amount": "1.00"}], "payment_method": "../charges/x"}, "payment_method"),
    ],
)
def test_bad_input_is_422_with_the_field_named(client, auth, payload, field):
    response = pay(client, auth, payload)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_a_card_number_is_422_saying_cards_go_in_the_processors_fields(client, auth, new_invoice):
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    response = pay(client, auth, {"allocations": [{"invoice": new_invoice("5.00"), "amount": "5.00"}], "card": card})
    assert response.status_code == 422
    assert "entered in the card processor's own fields" in response.json["error"]["message"]
    assert "card" in response.json["error"]["fields"]
    assert "4242424242424242" not in response.get_data(as_text=True)


def test_missing_idempotency_key_is_refused(client, auth, new_invoice):
    response = client.post("/payments", json=body([(new_invoice("5.00"), "5.00")]), headers=auth)
    assert response.status_code in (400, 422)
    assert "Idempotency-Key" in response.json["error"]["message"]


def test_paying_needs_a_token(client):
    assert client.post("/payments", json={}, headers={"Idempotency-Key": key()}).status_code == 401


def test_payments_are_listed_newest_first_and_private(client, auth, tokens, new_invoice):
    ids = [pay(client, auth, body([(new_invoice("5.00"), "5.00")])).json["id"] for _ in range(3)]
    page = client.get("/payments?per_page=2", headers=auth).json
    assert page["total"] == 3 and page["pages"] == 2
    assert [item["id"] for item in page["items"]] == ids[::-1][:2]
    assert client.get(f"/payments/{ids[0]}", headers=auth).json["id"] == ids[0]
    stranger = tokens.headers("1888888888")
    assert client.get(f"/payments/{ids[0]}", headers=stranger).status_code == 404
    assert client.get("/payments", headers=stranger).json["total"] == 0


def test_metrics_count_payments_by_outcome(client, auth, new_invoice):
    def count(outcome):
        text = client.get("/metrics").get_data(as_text=True)
        line = next(
            (line for line in text.splitlines() if line.startswith(f'payments_total{{outcome="{outcome}"}}')), None
        )
        return float(line.split()[-1]) if line else 0.0

    succeeded, declined = count("succeeded"), count("card_declined")
    invoice = new_invoice("30.00")
    assert pay(client, auth, body([(invoice, "10.00")])).status_code == 201
    assert pay(client, auth, body([(invoice, "10.00")], number="4000000000000002")).status_code == 402
    assert count("succeeded") == succeeded + 1
    assert count("card_declined") == declined + 1
