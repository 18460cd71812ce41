"""Receipts survive a killed notification worker and a stopped Redis: each arrives, and arrives once."""

import signal

from fault_helpers import SilentSmtp

from tests.support.waiting import wait_for


def _receipt_status(faults, account):
    receipts = [item for item in faults.deliveries(account) if item["type"] == "payment.receipt"]
    return receipts[0]["status"] if receipts else None


def test_worker_killed_mid_send_the_receipt_still_arrives_once(faults):
    stack = faults.stack
    subscriber = faults.new_subscriber("120.00")
    stack.stop_process("notification_worker.0")
    # The only worker now claims the job, then waits on an SMTP server that never answers: it is killed there.
    silent_smtp = SilentSmtp()
    faults.start_worker("notification_worker", 1, SMTP_URL=silent_smtp.url, SMTP_TIMEOUT_SECONDS=600)
    try:
        paid = subscriber.pay([(subscriber.invoices[0], "120.00")])
        assert paid.status == 201, paid.data
        payment_id = paid.json_body["id"]
        wait_for(lambda: _receipt_status(faults, subscriber.account) == "sending", what="the worker to claim the job")
        wait_for(lambda: silent_smtp.held, what="the worker to be mid-send")
        stack.stop_process("notification_worker.1", signal.SIGKILL)
        assert faults.receipts(subscriber.email, payment_id) == []
    finally:
        stack.stop_process("notification_worker.1", signal.SIGKILL)
        silent_smtp.close()
        stack.start_worker("notification_worker", 0)

    wait_for(lambda: faults.receipts(subscriber.email, payment_id), what="the receipt from the new worker")
    wait_for(lambda: _receipt_status(faults, subscriber.account) == "sent", what="the delivery log to say sent")
    assert len(faults.receipts(subscriber.email, payment_id)) == 1


def test_redis_stopped_during_a_payment_the_payment_succeeds_and_the_receipt_follows_once(faults):
    stack = faults.stack
    subscriber = faults.new_subscriber("80.00", "40.00")
    stack.redis.stop()
    try:
        paid = subscriber.pay([(subscriber.invoices[0], "80.00"), (subscriber.invoices[1], "15.00")])
        assert paid.status == 201, paid.data
        assert paid.json_body["status"] == "succeeded"
        payment_id = paid.json_body["id"]
        assert subscriber.balance(subscriber.invoices[0]) == "0.00"
        assert subscriber.balance(subscriber.invoices[1]) == "25.00"
        assert faults.receipts(subscriber.email, payment_id) == []
    finally:
        stack.redis.start()  # a Redis that keeps nothing on disk, as this stack's own: it comes back empty
    try:
        wait_for(
            lambda: faults.receipts(subscriber.email, payment_id), timeout=20, what="the receipt after Redis is back"
        )
        wait_for(lambda: _receipt_status(faults, subscriber.account) == "sent", what="the delivery log to say sent")
        assert len(faults.receipts(subscriber.email, payment_id)) == 1
    finally:
        # Whatever happened, the next tests get workers that start on the Redis of now.
        for worker in ("notification_worker", "payment_worker"):
            stack.stop_process(f"{worker}.0")
            stack.start_worker(worker, 0)
