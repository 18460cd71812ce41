"""What a card processor adapter offers payment_service. A real gateway is one class with these methods.

Every charge carries a `reference` (the payment id) that the processor keeps, so a sale whose answer was
lost (timeout) can be looked up later instead of charged again. Adapters should pass the reference to the
gateway as its idempotency key where the gateway has one.
"""

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any


class ProcessorTimeout(Exception):
    """No answer in time: the charge may or may not have happened; look it up by reference later."""


class ProcessorError(Exception):
    """The processor refused the request itself (not a decline), e.g. refund of an unknown charge."""


class CardRefused(ProcessorError):
    """The bank refused the card when it was saved (no charge was asked for)."""


@dataclasses.dataclass(frozen=True)
class PaymentSource:
    """What pays: a processor token, either one-time (from the processor's own card fields in the browser) or a
    saved profile's. Card numbers never reach payment_service. `kind` ("card" or "us_bank_account") when the
    caller knows it; None lets the processor find out (Stripe: a PaymentMethod read)."""

    token: str
    kind: str | None = None


@dataclasses.dataclass(frozen=True)
class CardDescription:
    """What the processor tells of a token's card: all payment_service ever knows of it. The fingerprint is the
    processor's (the same card gives the same one, whatever the token), None where it has none."""

    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    fingerprint: str | None = None
    kind: str = "card"  # or "us_bank_account": brand is then the bank's name and account type, no expiry


BRAND_LENGTH = 64  # what payment_service and invoice_service keep of a payment's brand


def bank_account_label(bank_name: str | None, account_type: str) -> str:
    """What a person recognises a bank account by where a card shows its brand: "JPMORGAN CHASE checking", or
    "Checking account" when the bank's name is unknown or too long to go with it."""
    named = f"{bank_name} {account_type}"
    return named if bank_name and len(named) <= BRAND_LENGTH else f"{account_type.title()} account"


@dataclasses.dataclass(frozen=True)
class SavedCard:
    """A card saved at the processor for later charges: the token to keep and what a person recognises."""

    token: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    kind: str = "card"  # or us_bank_account, with the bank's name (when known) and checking or savings
    bank_name: str | None = None
    account_type: str | None = None


@dataclasses.dataclass(frozen=True)
class BankAccountSetupStarted:
    """A SetupIntent made for the browser to collect a bank account into (Stripe.js collectBankAccountForSetup):
    the client_secret goes to the browser only, for that one SetupIntent."""

    id: str
    client_secret: str


@dataclasses.dataclass(frozen=True)
class BankAccountSetup:
    """A SetupIntent as the processor tells it, read back when the browser says it is confirmed. `customer_account`
    is the account number its Customer carries (metadata billpay_account); `next_action` the type of what it still
    needs (verify_with_microdeposits); the bank's name, type and last 4 are its PaymentMethod's (never the number)."""

    id: str
    status: str
    customer: str | None
    customer_account: str | None
    payment_method: str | None
    payment_method_type: str | None
    next_action: str | None = None
    mandate: str | None = None
    bank_name: str | None = None
    account_type: str | None = None
    last4: str | None = None
    verify_url: str | None = None  # where the subscriber verifies the microdeposits (Stripe hosts that page)
    metadata: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class ChargeResult:
    approved: bool
    reference: str
    code: str = "approved"  # when declined: card_declined, insufficient_funds or incorrect_cvc
    message: str = ""
    settles_later: bool = False  # an ACH debit: processing at the processor until it settles or is returned


@dataclasses.dataclass(frozen=True)
class ChargeStatus:
    """What the processor knows of a reference: charged, authorized, refunded, partially_refunded, voided,
    declined, pending (still settling at the processor: ask again later) or not_found."""

    status: str
    amount: Decimal | None = None
    refunded: Decimal | None = None


class Processor:
    """Interface of a card processor adapter. `timeout` is PROCESSOR_TIMEOUT_SECONDS."""

    def __init__(self, timeout: float = 20.0, **options: Any) -> None:
        self.timeout = timeout

    def sale(self, reference: str, amount: Decimal, source: PaymentSource) -> ChargeResult:
        raise NotImplementedError

    def authorize(self, reference: str, amount: Decimal, source: PaymentSource) -> ChargeResult:
        raise NotImplementedError

    def capture(self, reference: str, amount: Decimal | None = None) -> ChargeResult:
        raise NotImplementedError

    def refund(self, reference: str, amount: Decimal) -> ChargeStatus:
        """Give the money back; refunding an already refunded reference answers its status again."""
        raise NotImplementedError

    def void(self, reference: str) -> ChargeStatus:
        raise NotImplementedError

    def describe(self, token: str) -> CardDescription:
        """The card behind a token (one-time or saved); ProcessorError for a token the processor does not know."""
        raise NotImplementedError

    def save_card(self, account: str, token: str, customer_id: str | None = None) -> SavedCard:
        """Keep a one-time token's card or bank account for later charges (Stripe: attach it to the account's
        Customer through a SetupIntent; a bank account's carries the mandate the subscriber accepts in the request
        being served); the SavedCard's token is what a profile stores."""
        raise NotImplementedError

    def start_bank_account_setup(self, account: str, customer_id: str | None = None) -> BankAccountSetupStarted:
        """A SetupIntent for the account's Customer (made when None), payment_method_types ["us_bank_account"],
        usage off_session, whose client_secret the browser's processor script collects a bank account with."""
        raise NotImplementedError

    def bank_account_setup(self, setup_intent_id: str) -> BankAccountSetup:
        """The SetupIntent as it stands now; ProcessorError for one the processor does not know."""
        raise NotImplementedError

    def keep_bank_account(self, setup: BankAccountSetup) -> SavedCard:
        """Keep a succeeded setup's bank account for later debits, with its mandate (Stripe: the PaymentMethod's
        metadata, so off-session debits name it); the SavedCard's token is what a profile stores."""
        raise NotImplementedError

    def await_verification(self, setup_intent_id: str, metadata: dict[str, str]) -> None:
        """Keep `metadata` (what the subscriber accepted) on a setup that awaits microdeposit verification, so it
        can be saved when the processor says it is verified (its setup_intent.succeeded event)."""
        raise NotImplementedError

    def lookup(self, reference: str) -> ChargeStatus:
        raise NotImplementedError

    def event_pages(self) -> Iterator[list[dict[str, Any]]]:
        """Processor events to apply (each applied once by its id) for processors without webhooks here: pages of
        them, newest first, for the caller to stop reading once a page holds only events it has applied."""
        return iter(())

    def forget(self, token: str) -> None:
        """A saved card was deleted: the processor may drop it too (nothing to do for most)."""
