import datetime
from decimal import Decimal

from payment_helpers import body, pay, token

from payment_service.extensions import db
from payment_service.models import OutboxEvent, PaymentProfile
from payment_service.profiles import queue_expiry_reminders


def add(client, auth, number="5555555555554444", **extra):
    return client.post("/payment-profiles", json={"payment_method": token(number), **extra}, headers=auth)


def test_a_saved_card_shows_brand_last4_and_expiry_only(client, auth):
    created = add(client, auth)
    assert created.status_code == 201
    assert created.json["brand"] == "Mastercard" and created.json["last4"] == "4444"
    assert created.json["is_default"] is True
    listed = client.get("/payment-profiles", headers=auth).json["items"]
    assert [item["id"] for item in listed] == [created.json["id"]]
    card_fields = {"id", "kind", "brand", "last4", "exp_month", "exp_year", "is_default", "created_at"}
    assert set(listed[0]) == card_fields | {"bank_name", "account_type"}  # a bank account's, None for a card
    assert (listed[0]["kind"], listed[0]["bank_name"], listed[0]["account_type"]) == ("card", None, None)


def test_a_card_number_is_refused_and_an_unknown_token_is_not_saved(client, auth):
    sent = {"card": {"number": "5555555555554444", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    response = client.post("/payment-profiles", json=sent, headers=auth)
    assert response.status_code == 422 and "processor's own fields" in response.json["error"]["message"]
    assert "5555555555554444" not in response.get_data(as_text=True)
    unknown = client.post("/payment-profiles", json={"payment_method": "pm_sbx_unknown"}, headers=auth)
    assert unknown.status_code == 422 and "payment_method" in unknown.json["error"]["fields"]
    assert client.get("/payment-profiles", headers=auth).json["items"] == []


def test_paying_with_a_saved_card(client, auth, new_invoice, invoice_service):
    profile = add(client, auth).json
    invoice = new_invoice("25.00")
    payload = {"allocations": [{"invoice": invoice, "amount": "25.00"}], "profile_id": profile["id"]}
    response = pay(client, auth, payload)
    assert response.status_code == 201 and response.json["card"] == {"brand": "Mastercard", "last4": "4444"}
    assert invoice_service.balance(invoice) == Decimal("0.00")


def test_a_saved_card_that_declines_still_declines(client, auth, new_invoice):
    profile = add(client, auth, number="4000000000009995").json
    payload = {"allocations": [{"invoice": new_invoice("25.00"), "amount": "25.00"}], "profile_id": profile["id"]}
    response = pay(client, auth, payload)
    assert response.status_code == 402 and response.json["error"]["code"] == "card_declined"  # whatever the reason


def test_another_accounts_profile_is_404(client, auth, tokens, new_invoice):
    stranger = tokens.headers("1666666666")
    profile = add(client, stranger).json
    payload = {"allocations": [{"invoice": new_invoice("5.00"), "amount": "5.00"}], "profile_id": profile["id"]}
    assert pay(client, auth, payload).status_code == 404
    assert client.delete(f"/payment-profiles/{profile['id']}", headers=auth).status_code == 404
    assert client.post(f"/payment-profiles/{profile['id']}/default", headers=auth).status_code == 404


def test_save_card_on_a_payment_creates_a_profile(client, auth, new_invoice):
    response = pay(client, auth, body([(new_invoice("5.00"), "5.00")], number="378282246310005", save_card=True))
    assert response.status_code == 201
    listed = client.get("/payment-profiles", headers=auth).json["items"]
    assert [(item["brand"], item["last4"]) for item in listed] == [("American Express", "0005")]


def test_default_moves_and_survives_deletion(client, auth):
    first = add(client, auth).json
    second = add(client, auth, number="4242424242424242").json
    assert second["is_default"] is False
    assert client.post(f"/payment-profiles/{second['id']}/default", headers=auth).json["is_default"] is True
    defaults = [
        item["id"] for item in client.get("/payment-profiles", headers=auth).json["items"] if item["is_default"]
    ]
    assert defaults == [second["id"]]
    assert client.delete(f"/payment-profiles/{second['id']}", headers=auth).status_code == 204
    remaining = client.get("/payment-profiles", headers=auth).json["items"]
    assert [(item["id"], item["is_default"]) for item in remaining] == [(first["id"], True)]


def test_expiring_cards_get_one_reminder_per_month(app, client, auth, account):
    profile = add(client, auth).json
    today = datetime.date(2031, 12, 10)  # token() expires 12/2031
    with app.app_context():
        assert queue_expiry_reminders(today, 30) >= 1
        assert queue_expiry_reminders(today + datetime.timedelta(days=1), 30) == 0
        events = db.session.query(OutboxEvent).filter_by(type="profile.expiring", account=account).all()
        assert [event.data for event in events] == [
            {"brand": "Mastercard", "last4": "4444", "exp_month": 12, "exp_year": 2031, "account": account}
        ]
        assert db.session.get(PaymentProfile, profile["id"]).token.startswith("pm_sbx_")
