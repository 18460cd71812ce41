"""localstripe (a stateful fake Stripe API, GPL: tests only) as a process on a free port, and what the Stripe
tests need around it: PaymentMethods made with the SDK, a webhook endpoint registered, events signed as Stripe
signs them (for the events localstripe never sends: charge.refunded, charge.dispute.created)."""

import contextlib
import socket
import subprocess
import sys
import threading
import time

import requests
import stripe
from werkzeug.serving import make_server

from devtools.ports import free_port
from tests.support.stripe_events import WEBHOOK_SECRET
from tests.support.waiting import wait_for

API_KEY = "sk_test_billpay_localstripe"


class LocalStripe:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, timeout=30, what="localstripe to answer")
        return self

    def _answers(self):
        try:
            return requests.get(f"{self.url}/v1/customers", auth=(API_KEY, ""), timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def client(self):
        return stripe.StripeClient(API_KEY, base_addresses={"api": self.url})

    def payment_method(self, number, exp_month=12, exp_year=2031, cvc="123"):
        card = {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
        return self.client().v1.payment_methods.create(params={"type": "card", "card": card}).id

    def send_webhooks_to(self, url, events=None):
        """localstripe signs and posts its events (1 s after each) to `url`; `events`: only these types."""
        self.webhook_url = url
        data = {"url": url, "secret": WEBHOOK_SECRET, **({"events[]": events} if events else {})}
        response = requests.post(f"{self.url}/_config/webhooks/billpay", data=data, auth=(API_KEY, ""), timeout=5)
        response.raise_for_status()

    @contextlib.contextmanager
    def webhooks_held_back(self):
        """For the block, localstripe sends none of the payment events (a test posts them itself)."""
        self.send_webhooks_to(self.webhook_url, events=["customer.deleted"])
        try:
            yield
        finally:
            self.send_webhooks_to(self.webhook_url)


class ServedApp:
    """A Flask app served over HTTP in a thread, so localstripe can deliver webhooks to it."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


class DelayingProxy:
    """127.0.0.1:<port> → localstripe, holding back the answer to any request whose bytes contain `marker` for
    `delay` seconds: the client times out while localstripe has done the work (a charge whose answer is late)."""

    def __init__(self, target_port, marker, delay):
        self.target, self.marker, self.delay = ("127.0.0.1", target_port), marker, delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
            slow = threading.Event()
            threading.Thread(target=self._pipe, args=(client, upstream, slow, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, slow, False), daemon=True).start()

    def _pipe(self, source, sink, slow, request_side):
        try:
            while data := source.recv(65536):
                if request_side and self.marker in data:
                    slow.set()
                if not request_side and slow.is_set():
                    time.sleep(self.delay)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self):
        self.listener.close()
