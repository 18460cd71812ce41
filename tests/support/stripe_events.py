"""Stripe's webhook deliveries as Stripe signs them, for tests of the endpoints that check the signature."""

import hashlib
import hmac
import json
import time

WEBHOOK_SECRET = "whsec_billpay_tests"


def signed(event, secret=WEBHOOK_SECRET):
    """(body, Stripe-Signature header) as Stripe signs an event: HMAC-SHA256 of "<timestamp>.<body>"."""
    payload = json.dumps(event).encode()
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={digest}"
