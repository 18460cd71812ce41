"""payments_total{outcome}: what subscribers' payment attempts came to (Prometheus, on /metrics)."""

from prometheus_client import Counter

from billpay_common.errors import DomainError

PAYMENTS = Counter("payments_total", "Payment attempts by outcome", ["outcome"])


def counted(pay):
    """Run `pay()`; count its outcome: succeeded, pending, or the refusal's code (card_declined, ...)."""
    try:
        payment = pay()
    except DomainError as refused:
        PAYMENTS.labels(refused.code).inc()
        raise
    PAYMENTS.labels(payment.status).inc()
    return payment
