"""Card details in other scripts' digits are a 422 the subscriber can act on, never a 500 or a charge."""

from decimal import Decimal

import pytest
from payment_helpers import body, card, pay, sandbox_charges

NUMBERS = ["4242²42424242424", "4242424242424٢٤٢", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢"]
CARDS = [({"number": number}, "card.number") for number in NUMBERS] + [
    ({"cvc": "١٢٣"}, "card.cvc"),
    ({"exp_month": "١٢"}, "card.exp_month"),
    ({"exp_year": "٢٠٣١"}, "card.exp_year"),
    ({"exp_month": "¹²"}, "card.exp_month"),
    ({"exp_year": "２０３１"}, "card.exp_year"),
]


@pytest.mark.parametrize("changed, field", CARDS)
def test_paying_with_other_digits_is_422_and_charges_nothing(
    app, client, auth, new_invoice, invoice_service, changed, field
):
    invoice = new_invoice("10.00")
    charges_before = sandbox_charges(app)
    response = pay(client, auth, {**body([(invoice, "10.00")]), "card": {**card(), **changed}})
    assert response.status_code == 422, response.json
    assert "0 to 9" in response.json["error"]["fields"][field]
    assert sandbox_charges(app) == charges_before
    assert client.get("/payments", headers=auth).json["total"] == 0
    assert invoice_service.balance(invoice) == Decimal("10.00")


@pytest.mark.parametrize("changed, field", CARDS)
def test_saving_a_card_with_other_digits_is_422_and_saves_nothing(client, auth, changed, field):
    response = client.post("/payment-profiles", json={"card": {**card(), **changed}}, headers=auth)
    assert response.status_code == 422, response.json
    assert "0 to 9" in response.json["error"]["fields"][field]
    assert client.get("/payment-profiles", headers=auth).json["items"] == []


def test_expiry_as_a_string_of_ascii_digits_is_still_fine(client, auth):
    response = client.post(
        "/payment-profiles", json={"card": {**card(), "exp_month": "12", "exp_year": " 2031"}}, headers=auth
    )
    assert response.status_code == 201 and response.json["exp_month"] == 12 and response.json["exp_year"] == 2031
