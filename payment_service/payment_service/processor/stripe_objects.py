"""Stripe's objects in payment_service's terms: amounts in cents, declines, brands, a PaymentIntent's status. Pure."""

from decimal import Decimal

import stripe

from .base import BankAccountSetup, CardDescription, ChargeResult, ChargeStatus, SavedCard, bank_account_label

BANK_ACCOUNT = "us_bank_account"

DECLINE_MESSAGES = {
    "card_declined": "Your card was declined. Please use another card or call your bank.",
    "insufficient_funds": "Your card was declined for insufficient funds. Please use another card.",
    "incorrect_cvc": "The card code does not match this card. Please check the 3 or 4 digits and try again.",
}
BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
}


def cents(amount: Decimal) -> int:
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(value)


def decline(error: stripe.CardError, reference: str) -> ChargeResult:
    details = error.error
    code = getattr(details, "decline_code", None) or error.code or "card_declined"
    code = code if code in DECLINE_MESSAGES else "card_declined"
    return ChargeResult(False, reference, code, DECLINE_MESSAGES[code])


def status_of(intent) -> ChargeStatus:
    amount = Decimal(intent.amount) / 100
    if intent.status == "requires_capture":
        return ChargeStatus("authorized", amount)
    if intent.status == "canceled":
        return ChargeStatus("voided", amount)
    if intent.status == "processing":
        return ChargeStatus("pending", amount)
    charge = intent.latest_charge
    refunded = Decimal(charge.amount_refunded) / 100 if charge is not None else Decimal("0.00")
    if refunded >= amount:
        return ChargeStatus("refunded", amount, refunded)
    if refunded > 0:
        return ChargeStatus("partially_refunded", amount, refunded)
    return ChargeStatus("charged", amount)


def described(method) -> CardDescription:
    """A Stripe PaymentMethod as payment_service knows it: a card's brand, last 4 and expiry, or a us_bank_account's
    bank name, account type and last 4 (never its number: Stripe keeps that)."""
    if method.type == BANK_ACCOUNT:
        bank = method.us_bank_account
        label = bank_account_label(bank.bank_name, bank.account_type)
        return CardDescription(label, bank.last4, None, None, getattr(bank, "fingerprint", None), BANK_ACCOUNT)
    card = method.card
    brand = BRANDS.get(card.brand, card.brand.title())
    return CardDescription(brand, card.last4, card.exp_month, card.exp_year, getattr(card, "fingerprint", None))


def bank_account_saved(token: str, bank) -> SavedCard:
    """A saved us_bank_account as a profile keeps it: the bank's name (when Stripe knows it), checking or savings,
    last 4."""
    bank_name = getattr(bank, "bank_name", None)
    label = bank_account_label(bank_name, bank.account_type)
    return SavedCard(token, label, bank.last4, None, None, BANK_ACCOUNT, bank_name, bank.account_type)


def metadata_of(obj) -> dict:
    metadata = getattr(obj, "metadata", None)
    return metadata.to_dict() if metadata is not None else {}


def _expanded(value):
    """(id, object) of a field Stripe answers as an id, or as the object itself when expanded."""
    if value is None or isinstance(value, str):
        return value, None
    return value.id, value


def setup_of(setup) -> BankAccountSetup:
    """A SetupIntent retrieved with its customer and payment_method expanded, in payment_service's terms."""
    customer_id, customer = _expanded(setup.customer)
    method_id, method = _expanded(setup.payment_method)
    bank = getattr(method, BANK_ACCOUNT, None) if method is not None else None
    next_action = getattr(setup, "next_action", None)
    mandate_id, _ = _expanded(getattr(setup, "mandate", None))
    return BankAccountSetup(
        id=setup.id,
        status=setup.status,
        customer=customer_id,
        customer_account=metadata_of(customer).get("billpay_account") if customer is not None else None,
        payment_method=method_id,
        payment_method_type=getattr(method, "type", None),
        next_action=getattr(next_action, "type", None) if next_action else None,
        mandate=mandate_id,
        bank_name=getattr(bank, "bank_name", None) if bank is not None else None,
        account_type=getattr(bank, "account_type", None) if bank is not None else None,
        last4=getattr(bank, "last4", None) if bank is not None else None,
        verify_url=_verify_url(next_action),
        metadata=metadata_of(setup),
    )


def _verify_url(next_action) -> str | None:
    microdeposits = getattr(next_action, "verify_with_microdeposits", None) if next_action else None
    return getattr(microdeposits, "hosted_verification_url", None) if microdeposits else None
