"""In-memory stand-ins for what the payment flow talks to: invoice_service, the processor, the unit of work and
the Idempotency-Key's record. Each keeps what happened, for the tests to look at."""

from decimal import Decimal

import pytest

from billpay_common.errors import DomainError, NotFound
from billpay_common.http import ServiceUnavailable
from payment_service.charging import charge
from payment_service.models import Allocation, Payment, new_id
from payment_service.payment_status import INITIAL
from payment_service.processor import (
    ChargeResult,
    ChargeStatus,
    PaymentSource,
    Processor,
    ProcessorTimeout,
    SavedCard,
)
from payment_service.reconcile import reconcile_one


def new_payment(*amounts):
    """A recorded payment (processing) of these invoice amounts, as pay() commits it before charging."""
    amounts = [Decimal(amount) for amount in amounts or ("50.00",)]
    return Payment(
        id=new_id(),
        account="1234567890",
        account_name="Jones, Michael",
        status=INITIAL,
        amount=sum(amounts),
        brand="Visa",
        last4="4242",
        exp_month=12,
        exp_year=2031,
        receipt_email="m@example.com",
        allocations=[
            Allocation(invoice=f"52813{position}", amount=amount, position=position)
            for position, amount in enumerate(amounts)
        ],
    )


def card_source(token="pm_test_visa_4242"):
    """A one-time token, as the processor's card fields give one."""
    return PaymentSource(token=token)


class FakeInvoices:
    """invoice_service's reservations. `refuse_reserve`/`refuse_confirm`: what it answers instead (an error);
    `lose_reserve_reply`: it saves the reservation, then the reply is lost; `down_for_release`: it cannot be
    reached to release. Set the attributes again to change how it answers later (it comes back, say)."""

    def __init__(self, refuse_reserve=None, lose_reserve_reply=False, refuse_confirm=None, down_for_release=False):
        self.refuse_reserve, self.lose_reserve_reply = refuse_reserve, lose_reserve_reply
        self.refuse_confirm, self.down_for_release = refuse_confirm, down_for_release
        self.held, self.confirmed = {}, {}

    def reserve(self, payment_id, account, allocations):
        if self.refuse_reserve is not None:
            raise self.refuse_reserve
        self.held[payment_id] = list(allocations)
        if self.lose_reserve_reply:
            raise ServiceUnavailable("invoice_service: connection reset before the reply")

    def confirm(self, payment_id, paid_at, brand, last4):
        if self.refuse_confirm is not None:
            raise self.refuse_confirm
        self.confirmed[payment_id] = self.held.pop(payment_id)
        return {"payment_id": payment_id, "status": "confirmed", "account": {"email": "", "name": ""}}

    def release(self, payment_id):
        if self.down_for_release:
            raise ServiceUnavailable("invoice_service: connection refused")
        if payment_id not in self.held:
            raise NotFound(f"No reservation for {payment_id}.")
        del self.held[payment_id]


class FakeProcessor(Processor):
    """`outcome`: "approve", "card_declined", "timeout" (no answer, nothing charged), "lost_reply" (charged, then
    no answer), "broken" (the adapter fails);
    `refund_fails`: a refund times out."""

    def __init__(self, outcome="approve", refund_fails=False):
        super().__init__(timeout=1.0)
        self.outcome, self.refund_fails = outcome, refund_fails
        self.charged, self.refunded = {}, {}
        self.tokens_charged, self.forgotten = [], []

    def sale(self, reference, amount, source):
        self.tokens_charged.append(source.token)
        if self.outcome == "timeout":
            raise ProcessorTimeout(f"no answer for {reference}")
        if self.outcome == "broken":
            raise RuntimeError("adapter bug")
        if self.outcome not in ("approve", "lost_reply"):
            return ChargeResult(False, reference, self.outcome, "Your card was declined.")
        self.charged[reference] = amount
        if self.outcome == "lost_reply":
            raise ProcessorTimeout(f"answer lost for {reference}")
        return ChargeResult(True, reference)

    def lookup(self, reference):
        if reference in self.charged:
            return ChargeStatus("charged", self.charged[reference])
        return ChargeStatus("not_found")

    def refund(self, reference, amount):
        if self.refund_fails:
            raise ProcessorTimeout(f"no answer for the refund of {reference}")
        self.refunded[reference] = self.charged.pop(reference)
        return ChargeStatus("refunded", amount)

    def save_card(self, account, token, customer_id=None):
        return SavedCard(f"saved_{token}", "Visa", "4242", 12, 2031)

    def forget(self, token):
        self.forgotten.append(token)


class FakeUnitOfWork:
    """Staged events and profiles are stored on commit; `committed` is each commit's (status, failure_code)."""

    def __init__(self, *payments):
        self.payments = {payment.id: payment for payment in payments}
        self.committed, self.events, self.profiles, self.closed_requests = [], [], [], []
        self._staged_events, self._staged_profiles = [], []
        self.connections_released = 0

    def get_payment(self, payment_id):
        return self.payments.get(payment_id)

    def add_event(self, event_type, account, to, data):
        self._staged_events.append({"type": event_type, "account": account, "to": to, "data": data})

    def add_profile(self, account, card):
        self._staged_profiles.append(
            {"account": account, "brand": card.brand, "last4": card.last4, "token": card.token}
        )

    def processor_customer(self, account):
        return None

    def close_abandoned_requests(self, payment_id):
        self.closed_requests.append(payment_id)

    def release_connection(self):
        self.connections_released += 1

    def commit(self):
        self.committed.extend((payment.status, payment.failure_code) for payment in self.payments.values())
        self.events += self._staged_events
        self.profiles += self._staged_profiles
        self._staged_events, self._staged_profiles = [], []
        return True


class FakeRequest:
    """The Idempotency-Key's record: the answer a retry gets, or forgotten (the key may try again)."""

    def __init__(self):
        self.answered, self.forgotten = None, False

    def answer(self, status, error=None):
        self.answered = (status, error.code if error else None)

    def forget(self):
        self.forgotten = True


def unreachable():
    return ServiceUnavailable("invoice_service: connection refused")


class Flow:
    """One payment through charging.charge, with every collaborator a fake."""

    def __init__(self, invoices=None, processor=None, payment=None, source=None):
        self.payment = payment or new_payment("108.00", "107.95")
        self.invoices, self.processor = invoices or FakeInvoices(), processor or FakeProcessor()
        self.uow, self.request, self.source = FakeUnitOfWork(self.payment), FakeRequest(), source or card_source()

    def run(self, save_card=False):
        return charge(
            self.payment,
            self.source,
            save_card=save_card,
            request=self.request,
            invoices=self.invoices,
            processor=self.processor,
            uow=self.uow,
        )

    def reconcile(self):
        """The worker's later look at this payment: its outcome ("succeeded", "failed", "pending", ...)."""
        return reconcile_one(self.payment.id, invoices=self.invoices, processor=self.processor, uow=self.uow)

    def refused(self, error_class=DomainError):
        with pytest.raises(error_class) as refused:
            self.run()
        return refused.value
