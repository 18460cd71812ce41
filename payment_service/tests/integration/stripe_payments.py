"""Paying through payment_service's API with a card saved at localstripe (the portal's Stripe fields come later)."""

from payment_helpers import key

from payment_service.extensions import db
from payment_service.processor import current_processor
from payment_service.profiles import stage_profile


def saved_profile(app, account, localstripe, number="4242424242424242"):
    """A payment profile whose token is a Customer's PaymentMethod at localstripe."""
    with app.app_context():
        saved = current_processor().save_card(account, localstripe.payment_method(number))
        profile = stage_profile(account, saved, saved.token)
        db.session.commit()
        return profile.id


def pay_with_saved_card(app, client, auth, account, localstripe, invoice, amount, number="4242424242424242"):
    """The API's answer (JSON) to paying `amount` of `invoice` with a freshly saved card."""
    response = client.post(
        "/payments",
        json={
            "allocations": [{"invoice": invoice, "amount": amount}],
            "profile_id": saved_profile(app, account, localstripe, number),
        },
        headers={**auth, "Idempotency-Key": key()},
    )
    return response.json
