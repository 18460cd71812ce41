"""A small invoice_service that follows docs/internal-contracts.md, served over real HTTP on a free port.

Balances and reservations live in memory under one lock. `down()` and `up()` stop and restart answering.
"""
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

SERVICE_KEY = "service-key-for-tests"


def _error(status, code, message):
    return jsonify(error={"code": code, "message": message}), status


class FakeInvoiceService:
    def __init__(self):
        self.lock = threading.Lock()
        self.invoices = {}  # number -> {"account", "balance"}
        self.accounts = {}  # account -> {"name", "email"}
        self.reservations = {}  # payment_id -> {"account", "allocations", "status"}
        self.reserve_calls = 0
        self.server = None
        self.port = None
        self.app = self._build()

    def add_invoice(self, account, number, balance, email="subscriber@example.com", name="Jones, Michael"):
        with self.lock:
            self.invoices[number] = {"account": account, "balance": Decimal(balance)}
            self.accounts.setdefault(account, {"name": name, "email": email})

    def balance(self, number):
        with self.lock:
            return self.invoices[number]["balance"]

    def held(self, number):
        """Amount of live reservations on an invoice."""
        with self.lock:
            return self._held(number)

    def _held(self, number, except_payment=None):
        return sum((amount for pid, r in self.reservations.items() if r["status"] == "reserved" and pid != except_payment
                    for invoice, amount in r["allocations"] if invoice == number), Decimal("0"))

    def _build(self):
        app = Flask("fake_invoice_service")

        @app.before_request
        def check_key():
            if request.headers.get("X-Service-Key") != SERVICE_KEY:
                return _error(403, "bad_credential", "That X-Service-Key is not valid.")

        @app.get("/internal/accounts/<account>")
        def account(account):
            with self.lock:
                found = self.accounts.get(account)
            if found is None:
                return _error(404, "not_found", f"Account {account} was not found.")
            return jsonify(account=account, **found)

        @app.post("/internal/reservations")
        def reserve():
            body = request.get_json()
            with self.lock:
                self.reserve_calls += 1
                return self._reserve(body)

        @app.post("/internal/reservations/<payment_id>/confirm")
        def confirm(payment_id):
            with self.lock:
                reservation = self.reservations.get(payment_id)
                if reservation is None or reservation["status"] == "released":
                    return _error(409, "reservation_released", "That reservation was released.")
                if reservation["status"] == "reserved":
                    for invoice, amount in reservation["allocations"]:
                        self.invoices[invoice]["balance"] -= amount
                    reservation["status"] = "confirmed"
            return jsonify(payment_id=payment_id, status="confirmed")

        @app.post("/internal/reservations/<payment_id>/release")
        def release(payment_id):
            with self.lock:
                reservation = self.reservations.get(payment_id)
                if reservation is None:
                    return _error(404, "not_found", "No such reservation.")
                if reservation["status"] == "confirmed":
                    return _error(409, "already_confirmed", "That reservation was confirmed.")
                reservation["status"] = "released"
            return jsonify(status="released")

        @app.post("/internal/payments/<payment_id>/reverse")
        def reverse(payment_id):
            with self.lock:
                reservation = self.reservations.get(payment_id)
                if reservation is None or reservation["status"] not in ("confirmed", "reversed"):
                    return _error(404, "not_found", "No such payment.")
                if reservation["status"] == "confirmed":
                    for invoice, amount in reservation["allocations"]:
                        self.invoices[invoice]["balance"] += amount
                    reservation["status"] = "reversed"
            return jsonify(status="reversed")

        return app

    def _reserve(self, body):
        payment_id = body["payment_id"]
        expires_at = (datetime.now(timezone.utc) + timedelta(minutes=30)).isoformat()
        if payment_id in self.reservations:
            return jsonify(payment_id=payment_id, status="reserved", expires_at=expires_at), 201
        allocations = [(item["invoice"], Decimal(item["amount"])) for item in body["allocations"]]
        for invoice, amount in allocations:
            found = self.invoices.get(invoice)
            if found is None or found["account"] != body["account"]:
                return _error(404, "not_found", f"Invoice {invoice} was not found.")
            if amount > found["balance"] - self._held(invoice):
                return _error(409, "amount_exceeds_balance",
                              f"The amount for invoice {invoice} is more than its open balance.")
        self.reservations[payment_id] = {"account": body["account"], "allocations": allocations,
                                         "status": "reserved"}
        return jsonify(payment_id=payment_id, status="reserved", expires_at=expires_at), 201

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def up(self):
        self.server = make_server("127.0.0.1", self.port or 0, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
