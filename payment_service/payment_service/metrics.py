"""payments_total{outcome}: what subscribers' payment attempts came to (Prometheus, on /metrics)."""

from prometheus_client import Counter

from billpay_common.errors import DomainError

from .card_testing import TooManyDeclines

PAYMENTS = Counter("payments_total", "Payment attempts by outcome", ["outcome"])


def counted(pay):
    """Run `pay()`; count its outcome: succeeded, pending, blocked (too many declines: never sent to the
    processor), or the refusal's code (card_declined, ...)."""
    try:
        payment = pay()
    except TooManyDeclines:
        PAYMENTS.labels("blocked").inc()
        raise
    except DomainError as refused:
        PAYMENTS.labels(refused.code).inc()
        raise
    PAYMENTS.labels(payment.status).inc()
    return payment
