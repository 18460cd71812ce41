"""Stripe through its official SDK: PaymentIntents for charges, Customers + SetupIntents for saved cards, Refunds.

`PAYMENT_PROCESSOR=payment_service.processor.stripe_processor:StripeProcessor` with STRIPE_API_KEY (and
STRIPE_API_BASE only for localstripe in tests). A charge is two calls: create the PaymentIntent (our payment id
as Stripe's idempotency key, and in its metadata), record which intent belongs to the payment
(`stripe_intents`, own transaction, as the sandbox's ledger), then confirm it. So a confirm whose answer is lost
can be looked up by our reference; a create whose answer is lost left an intent nobody confirms, which can
never charge. A lookup that finds an intent still unconfirmed cancels it, so "not charged" stays true.

What a source is: a PaymentMethod id (`pm_...`, from Stripe's own fields) or a saved card's token
(`cus_...:pm_...`, see save_card). Card numbers never reach this adapter.

Bank accounts are Stripe's `us_bank_account` PaymentMethods (ACH Direct Debit; the account number stays at
Stripe). Saving one confirms a SetupIntent carrying the mandate: the subscriber's online acceptance (the address
and browser of the request that accepted the debit authorization). The mandate's id is kept in the
PaymentMethod's metadata, so a later debit (AutoPay, off-session) names it. A debit is `processing` for days:
the charge reports `settles_later`, and payment_intent.succeeded / payment_intent.payment_failed (webhooks.py)
settle or return it.
"""

from dataclasses import dataclass
from decimal import Decimal

import stripe
from flask import has_request_context, request
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import StripeIntent
from .base import (
    BankAccountSetupStarted,
    CardRefused,
    ChargeResult,
    ChargeStatus,
    PaymentSource,
    Processor,
    ProcessorError,
    ProcessorTimeout,
    SavedCard,
)
from .stripe_objects import (
    BANK_ACCOUNT,
    BRANDS,
    DECLINE_MESSAGES,
    bank_account_saved,
    cents,
    decline,
    described,
    metadata_of,
    setup_of,
    status_of,
)

CURRENCY = "usd"
REFERENCE_KEY = "billpay_payment_id"
MANDATE_KEY = "billpay_mandate"  # a saved bank account's PaymentMethod metadata: the mandate its SetupIntent made
# PaymentIntent statuses that mean the confirm has not charged (and, once cancelled, never will)
_UNCONFIRMED = ("requires_confirmation", "requires_action", "requires_payment_method")
NO_MANDATE = "There is no debit authorization for this bank account."
# Stripe's ACH Direct Debit: instant verification through Financial Connections where it can, else microdeposits
BANK_ACCOUNT_OPTIONS = {
    BANK_ACCOUNT: {"verification_method": "automatic", "financial_connections": {"permissions": ["payment_method"]}}
}


def online_acceptance():
    """Stripe's mandate_data.customer_acceptance for the request being served (the subscriber accepting the debit
    authorization: the gateway forwards the browser's address and User-Agent), or None outside a request."""
    if not has_request_context():
        return None
    address = request.headers.get("X-Forwarded-For", "").split(",")[0].strip() or request.remote_addr
    user_agent = request.headers.get("User-Agent", "")
    if not address or not user_agent:
        return None
    return {"type": "online", "online": {"ip_address": address, "user_agent": user_agent}}


@dataclass(frozen=True)
class KnownCard:
    """A card PaymentMethod the caller already described: what a charge reads of it."""

    id: str
    type: str = "card"


class StripeProcessor(Processor):
    def __init__(self, timeout=20.0, api_key="", api_base=None, **options):
        super().__init__(timeout=timeout)
        if not api_key:
            raise ValueError("the Stripe processor needs STRIPE_API_KEY")
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=0,  # a lost answer is the reconciler's to settle, by look-up
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.APIConnectionError as lost:
            raise ProcessorTimeout(f"stripe: {lost.user_message or lost}") from lost
        except stripe.CardError:
            raise
        except stripe.StripeError as refused:
            raise ProcessorError(f"stripe: {refused.user_message or refused}") from refused

    # charges

    def sale(self, reference, amount, source):
        return self._charge(reference, amount, source, "automatic")

    def authorize(self, reference, amount, source):
        return self._charge(reference, amount, source, "manual")

    def _charge(self, reference, amount, source: PaymentSource, capture_method):
        method = self._payment_method(source)
        confirm_params = self._confirm_params(method)
        if confirm_params is None:  # nobody accepted a debit of this bank account: never create the intent
            return ChargeResult(False, reference, "mandate_required", NO_MANDATE)
        intent_id = self.intent_id(reference) or self._create_intent(reference, amount, source, method, capture_method)
        options = {"idempotency_key": f"{reference}:confirm"}
        try:
            intent = self._call(
                self.client.v1.payment_intents.confirm, intent_id, params=confirm_params, options=options
            )
        except stripe.CardError as declined:
            return decline(declined, reference)
        if intent.status in ("succeeded", "requires_capture"):
            return ChargeResult(True, reference)
        if intent.status == "processing":  # an ACH debit: its payment_intent event settles or returns it
            return ChargeResult(True, reference, settles_later=True)
        # the bank asks the card holder to authenticate, who is not here: cancelled, so it never charges later
        self._call(self.client.v1.payment_intents.cancel, intent_id)
        return ChargeResult(False, reference, "card_declined", DECLINE_MESSAGES["card_declined"])

    def _payment_method(self, source):
        method_id = source.token.rpartition(":")[2]
        if not method_id.startswith("pm_"):
            raise ProcessorError("stripe: pay with a PaymentMethod from Stripe's own card fields")
        if source.kind == "card":  # a card's charge needs only its id: no PaymentMethod read on every payment
            return KnownCard(method_id)
        return self._call(self.client.v1.payment_methods.retrieve, method_id)

    @staticmethod
    def _confirm_params(method):
        """A card's confirm needs nothing more; a bank account's names its mandate (a saved one, debited off-session)
        or carries the acceptance of the request being served (a one-time debit); None when it has neither."""
        if method.type != BANK_ACCOUNT:
            return {}
        mandate = metadata_of(method).get(MANDATE_KEY)
        if mandate:
            return {"mandate": mandate, "off_session": True}
        acceptance = online_acceptance()
        return {"mandate_data": {"customer_acceptance": acceptance}} if acceptance else None

    def _create_intent(self, reference, amount, source, method, capture_method):
        if method.type == BANK_ACCOUNT and capture_method == "manual":
            raise ProcessorError("stripe: a bank debit cannot be authorized now and captured later")
        customer = source.token.rpartition(":")[0]
        params = {
            "amount": cents(amount),
            "currency": CURRENCY,
            "payment_method": method.id,
            "payment_method_types": [BANK_ACCOUNT if method.type == BANK_ACCOUNT else "card"],
            "capture_method": capture_method,
            "metadata": {REFERENCE_KEY: reference},
        }
        if customer:
            params["customer"] = customer
        intent = self._call(
            self.client.v1.payment_intents.create, params=params, options={"idempotency_key": reference}
        )
        self._record(reference, intent.id)
        return intent.id

    def _record(self, reference, intent_id):
        try:
            with db.engine.begin() as connection:
                connection.execute(insert(StripeIntent).values(reference=reference, intent_id=intent_id))
        except IntegrityError:
            pass  # recorded by an earlier attempt with the same reference (the same intent: idempotency key)

    def intent_id(self, reference):
        with db.engine.connect() as connection:
            return connection.execute(
                select(StripeIntent.intent_id).where(StripeIntent.reference == reference)
            ).scalar()

    def reference_of(self, intent_id):
        """Our payment id for one of Stripe's PaymentIntent ids (webhooks name intents), or None."""
        with db.engine.connect() as connection:
            return connection.execute(
                select(StripeIntent.reference).where(StripeIntent.intent_id == intent_id)
            ).scalar()

    def capture(self, reference, amount=None):
        params = {"amount_to_capture": cents(amount)} if amount is not None else {}
        self._call(
            self.client.v1.payment_intents.capture,
            self._known(reference),
            params=params,
            options={"idempotency_key": f"{reference}:capture"},
        )
        return ChargeResult(True, reference)

    # reversals and look-ups

    def refund(self, reference, amount):
        """Full or partial; a full refund asked again answers `refunded` without a second refund."""
        found = self.lookup(reference)
        if found.status == "refunded":
            return found
        if found.status not in ("charged", "partially_refunded"):
            raise ProcessorError(f"stripe: {reference} is {found.status}, it cannot be refunded")
        already = found.refunded or Decimal("0.00")
        self._call(
            self.client.v1.refunds.create,
            params={"payment_intent": self._known(reference), "amount": cents(amount)},
            options={"idempotency_key": f"{reference}:refund:{cents(already)}:{cents(amount)}"},
        )
        return self.lookup(reference)

    def void(self, reference):
        found = self.lookup(reference)
        if found.status == "authorized":
            self._call(self.client.v1.payment_intents.cancel, self._known(reference))
        elif found.status in ("charged", "partially_refunded"):
            self.refund(reference, found.amount - (found.refunded or Decimal("0.00")))
        elif found.status not in ("voided", "refunded"):
            raise ProcessorError(f"stripe: {reference} is {found.status}, it cannot be voided")
        return ChargeStatus("voided", found.amount)

    def lookup(self, reference):
        intent_id = self.intent_id(reference)
        if intent_id is None:
            return ChargeStatus("not_found")  # never created, or created and never confirmed
        intent = self._call(self.client.v1.payment_intents.retrieve, intent_id, params={"expand": ["latest_charge"]})
        if intent.status in _UNCONFIRMED:
            return self._cancel_unconfirmed(intent)
        return status_of(intent)

    def _cancel_unconfirmed(self, intent):
        if intent.status == "requires_payment_method" and intent.latest_charge is not None:
            return ChargeStatus("declined", Decimal(intent.amount) / 100)
        try:
            self._call(self.client.v1.payment_intents.cancel, intent.id)
        except ProcessorError:
            return self.lookup(intent.metadata[REFERENCE_KEY])  # it moved on meanwhile: read it again
        return ChargeStatus("not_found")

    def _known(self, reference):
        intent_id = self.intent_id(reference)
        if intent_id is None:
            raise ProcessorError(f"stripe: no PaymentIntent for {reference}")
        return intent_id

    # saved cards

    def describe(self, token):
        """The card of a PaymentMethod (`pm_...`) or a saved card (`cus_...:pm_...`), with Stripe's fingerprint."""
        return described(self._call(self.client.v1.payment_methods.retrieve, token.rpartition(":")[2]))

    def save_card(self, account, payment_method_id, customer_id=None):
        """Attach a PaymentMethod to the account's Customer (created when None) through a SetupIntent for
        off-session use; a card the bank refuses raises CardRefused. A bank account's SetupIntent carries the
        mandate (see save_bank_account)."""
        method = self._call(self.client.v1.payment_methods.retrieve, payment_method_id)
        if method.type == BANK_ACCOUNT:
            acceptance = online_acceptance()
            if acceptance is None:
                raise ProcessorError(f"stripe: {NO_MANDATE}")
            return self.save_bank_account(account, method.id, acceptance, customer_id)
        customer_id = customer_id or self._new_customer(account)
        setup = self._call(
            self.client.v1.setup_intents.create, params={"customer": customer_id, "usage": "off_session"}
        )
        try:
            self._call(self.client.v1.setup_intents.confirm, setup.id, params={"payment_method": payment_method_id})
        except stripe.CardError as declined:
            raise CardRefused(f"stripe: {declined.user_message or declined}") from declined
        method = self._call(self.client.v1.payment_methods.retrieve, payment_method_id)
        if method.customer != customer_id:  # Stripe attaches it on confirm; a stand-in may not
            method = self._call(
                self.client.v1.payment_methods.attach, payment_method_id, params={"customer": customer_id}
            )
        card = method.card
        brand = BRANDS.get(card.brand, card.brand.title())
        return SavedCard(f"{customer_id}:{method.id}", brand, card.last4, card.exp_month, card.exp_year)

    def _new_customer(self, account):
        customer = self._call(self.client.v1.customers.create, params={"metadata": {"billpay_account": account}})
        return customer.id

    def save_bank_account(self, account, payment_method_id, acceptance, customer_id=None):
        """Attach a us_bank_account PaymentMethod through a SetupIntent confirmed with the mandate (`acceptance`:
        Stripe's customer_acceptance), and keep the mandate's id on the PaymentMethod for the debits to come. An
        account Stripe cannot debit yet (still to be verified with microdeposits) is not saved: ProcessorError."""
        customer_id = customer_id or self._new_customer(account)
        params = {
            "customer": customer_id,
            "payment_method": payment_method_id,
            "payment_method_types": [BANK_ACCOUNT],
            "usage": "off_session",
            "confirm": True,
            "mandate_data": {"customer_acceptance": acceptance},
        }
        try:
            setup = self._call(self.client.v1.setup_intents.create, params=params)
        except stripe.CardError as refused:
            raise CardRefused(f"stripe: {refused.user_message or refused}") from refused
        if setup.status != "succeeded":
            self._call(self.client.v1.setup_intents.cancel, setup.id)
            raise ProcessorError(f"stripe: bank account {payment_method_id} is not verified ({setup.status})")
        method = self._call(
            self.client.v1.payment_methods.update,
            payment_method_id,
            params={"metadata": {MANDATE_KEY: setup.mandate}},
        )
        return bank_account_saved(f"{customer_id}:{method.id}", method.us_bank_account)

    # bank accounts collected by Stripe.js (collectBankAccountForSetup, confirmUsBankAccountSetup)

    def start_bank_account_setup(self, account, customer_id=None):
        """A SetupIntent for Stripe.js to collect and confirm a bank account into, the mandate accepted in the
        subscriber's browser; its client_secret goes to that browser."""
        customer_id = customer_id or self._new_customer(account)
        params = {
            "customer": customer_id,
            "payment_method_types": [BANK_ACCOUNT],
            "usage": "off_session",
            "payment_method_options": BANK_ACCOUNT_OPTIONS,
            "metadata": {"billpay_account": account},
        }
        setup = self._call(self.client.v1.setup_intents.create, params=params)
        return BankAccountSetupStarted(setup.id, setup.client_secret)

    def bank_account_setup(self, setup_intent_id):
        setup = self._call(
            self.client.v1.setup_intents.retrieve, setup_intent_id, params={"expand": ["customer", "payment_method"]}
        )
        return setup_of(setup)

    def await_verification(self, setup_intent_id, metadata):
        self._call(self.client.v1.setup_intents.update, setup_intent_id, params={"metadata": metadata})

    def keep_bank_account(self, setup):
        """Stripe attached the PaymentMethod to the Customer on confirm; its mandate goes in its metadata, as
        save_bank_account keeps it, for the off-session debits to come."""
        method = self._call(
            self.client.v1.payment_methods.update,
            setup.payment_method,
            params={"metadata": {MANDATE_KEY: setup.mandate}},
        )
        return bank_account_saved(f"{setup.customer}:{method.id}", method.us_bank_account)

    def forget(self, token):
        """Detach a deleted saved card's PaymentMethod from its Customer, so it can never be charged again."""
        self._call(self.client.v1.payment_methods.detach, token.rpartition(":")[2])
