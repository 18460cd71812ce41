import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from billpay_common.http import ServiceUnavailable
from gateway.clients import PaymentSlots


class SlowPayments(BaseHTTPRequestHandler):
    """payment_service standing in: a payment is answered once the test lets it go; anything else at once."""

    release = threading.Event()
    arrived = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.arrived.set()
        self.release.wait(10)
        self._answer(201)

    def do_GET(self):
        self._answer(200)

    def _answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def payment_service():
    SlowPayments.release.clear()
    SlowPayments.arrived.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowPayments)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    SlowPayments.release.set()
    server.shutdown()
    server.server_close()


def test_a_payment_beyond_the_budget_is_not_sent_while_other_calls_go_through(payment_service):
    client = PaymentSlots(payment_service, timeout=5, slots=1, wait_seconds=0.2)
    first = {}
    waiting = threading.Thread(target=lambda: first.update(answer=client.post("/payments", {"n": 1})))
    waiting.start()
    assert SlowPayments.arrived.wait(5)

    with pytest.raises(ServiceUnavailable):
        client.post("/payments", {"n": 2})
    assert client.get("/payment-profiles").status == 200

    SlowPayments.release.set()
    waiting.join(10)
    assert first["answer"].status == 201
    assert client.post("/payments", {"n": 3}).status == 201  # the slot is free again


def test_no_budget_sends_every_payment(payment_service):
    SlowPayments.release.set()
    client = PaymentSlots(payment_service, timeout=1, slots=0)
    assert [client.post("/payments", {}).status for _ in range(3)] == [201, 201, 201]
