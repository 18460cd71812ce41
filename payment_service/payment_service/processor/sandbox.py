"""payment_service's adapter for the sandbox processor, a processor of its own (the `sandbox_processor` package:
its own process, origin and ledger), reached over HTTP like a real one with SANDBOX_PROCESSOR_URL and
SANDBOX_PROCESSOR_KEY. The browser tokenizes the card in the sandbox's own fields; this adapter only ever sees
the token (`pm_sbx_...`). Its test cards and their outcomes are listed in sandbox_processor/outcomes.py.

A lost answer (the sandbox's 504 for its "times out" cards, a read timeout, a refused connection) is a
ProcessorTimeout: the charge may have happened, and the reconciler looks the reference up later.
"""

from decimal import Decimal
from urllib.parse import quote, urlencode

from billpay_common.http import ServiceClient, ServiceUnavailable

from .base import (
    BankAccountSetup,
    BankAccountSetupStarted,
    CardDescription,
    ChargeResult,
    ChargeStatus,
    Processor,
    ProcessorError,
    ProcessorTimeout,
    SavedCard,
    bank_account_label,
)

ACH_STATUSES = ("processing", "succeeded", "returned")
EVENT_PAGE, MAX_EVENT_PAGES = 100, 100  # a pass reads at most 10,000 events, newest first
BANK_ACCOUNT = "us_bank_account"


class SandboxProcessor(Processor):
    def __init__(self, timeout=20.0, sandbox_url="", sandbox_key="", **options):
        super().__init__(timeout=timeout)
        if not sandbox_url:
            raise ValueError("the sandbox processor needs SANDBOX_PROCESSOR_URL")
        self.http = ServiceClient(sandbox_url, timeout=timeout, headers={"Authorization": f"Bearer {sandbox_key}"})

    def _call(self, method, path, body=None):
        try:
            response = self.http.request(method, path, json_body=body)
        except ServiceUnavailable as lost:
            raise ProcessorTimeout(f"sandbox: {lost}") from lost
        if response.status >= 500:
            raise ProcessorTimeout(f"sandbox answered {response.status} for {path}")
        data = response.json() or {}
        if response.status == 402:
            error = data["error"]
            return None, ChargeResult(False, "", error["code"], error["message"])
        if not response.ok:
            message = (data.get("error") or {}).get("message", f"answered {response.status}")
            if response.status == 404 and path.startswith("/v1/charges/"):
                return None, None
            raise ProcessorError(f"sandbox: {message}")
        return data, None

    def _charge(self, reference, amount, source, capture):
        body = {"reference": reference, "amount": amount, "payment_method": source.token, "capture": capture}
        charge, declined = self._call("POST", "/v1/charges", body)
        if declined is not None:
            return ChargeResult(False, reference, declined.code, declined.message)
        return ChargeResult(True, reference, settles_later=charge["status"] == "processing")

    def sale(self, reference, amount, source):
        return self._charge(reference, amount, source, capture=True)

    def authorize(self, reference, amount, source):
        return self._charge(reference, amount, source, capture=False)

    def capture(self, reference, amount=None):
        self._call("POST", f"/v1/charges/{reference}/capture")
        return ChargeResult(True, reference)

    def refund(self, reference, amount):
        return self._status(self._call("POST", f"/v1/charges/{reference}/refund", {"amount": amount})[0], reference)

    def void(self, reference):
        return self._status(self._call("POST", f"/v1/charges/{reference}/void")[0], reference)

    def lookup(self, reference):
        data, _ = self._call("GET", f"/v1/charges/{reference}")
        return self._status(data, reference) if data else ChargeStatus("not_found")

    @staticmethod
    def _status(data, reference):
        if data is None:
            raise ProcessorError(f"sandbox: no charge {reference}")
        # An ACH debit is settled by its events only (as Stripe's payment_intent events do): pending until then.
        status = "pending" if data["status"] in ACH_STATUSES else data["status"]
        return ChargeStatus(status, Decimal(data["amount"]))

    def describe(self, token):
        method = self._call("GET", f"/v1/payment_methods/{quote(token, safe='')}")[0]
        if method["type"] == "us_bank_account":
            bank = method["us_bank_account"]
            label = bank_account_label(bank["bank_name"], bank["account_type"])
            return CardDescription(label, bank["last4"], None, None, bank["fingerprint"], kind="us_bank_account")
        card = method["card"]
        return CardDescription(card["brand"], card["last4"], card["exp_month"], card["exp_year"], card["fingerprint"])

    def event_pages(self):
        query = {"limit": EVENT_PAGE}
        for _ in range(MAX_EVENT_PAGES):
            listed = self._call("GET", f"/v1/events?{urlencode(query)}")[0]
            yield listed["data"]
            if not listed.get("has_more") or not listed["data"]:
                return
            query["starting_after"] = listed["data"][-1]["id"]

    def save_card(self, account, token, customer_id=None):
        method = self._call("POST", f"/v1/payment_methods/{quote(token, safe='')}/attach")[0]
        if method["type"] == "us_bank_account":
            bank = method["us_bank_account"]
            label = bank_account_label(bank["bank_name"], bank["account_type"])
            return SavedCard(
                token, label, bank["last4"], None, None, "us_bank_account", bank["bank_name"], bank["account_type"]
            )
        card = method["card"]
        return SavedCard(token, card["brand"], card["last4"], card["exp_month"], card["exp_year"])

    # bank accounts collected by the browser into a SetupIntent (the sandbox's collectBankAccountForSetup)

    def start_bank_account_setup(self, account, customer_id=None):
        if customer_id is None:
            customer_id = self._call("POST", "/v1/customers", {"metadata": {"billpay_account": account}})[0]["id"]
        body = {
            "customer": customer_id,
            "payment_method_types": [BANK_ACCOUNT],
            "usage": "off_session",
            "metadata": {"billpay_account": account},
        }
        setup = self._call("POST", "/v1/setup_intents", body)[0]
        return BankAccountSetupStarted(setup["id"], setup["client_secret"])

    def bank_account_setup(self, setup_intent_id):
        setup = self._call("GET", f"/v1/setup_intents/{quote(setup_intent_id, safe='')}")[0]
        customer = (
            self._call("GET", f"/v1/customers/{quote(setup['customer'], safe='')}")[0] if setup["customer"] else {}
        )
        method_id, bank, method_type = setup["payment_method"], {}, None
        if method_id:
            method = self._call("GET", f"/v1/payment_methods/{quote(method_id, safe='')}")[0]
            method_type, bank = method["type"], method.get(BANK_ACCOUNT) or {}
        return BankAccountSetup(
            id=setup["id"],
            status=setup["status"],
            customer=setup["customer"],
            customer_account=(customer.get("metadata") or {}).get("billpay_account"),
            payment_method=method_id,
            payment_method_type=method_type,
            next_action=(setup.get("next_action") or {}).get("type"),
            mandate=setup.get("mandate"),
            bank_name=bank.get("bank_name"),
            account_type=bank.get("account_type"),
            last4=bank.get("last4"),
            verify_url=((setup.get("next_action") or {}).get("verify_with_microdeposits") or {}).get(
                "hosted_verification_url"
            ),
            metadata=setup.get("metadata") or {},
        )

    def await_verification(self, setup_intent_id, metadata):
        self._call("POST", f"/v1/setup_intents/{quote(setup_intent_id, safe='')}", {"metadata": metadata})

    def keep_bank_account(self, setup):
        """The sandbox attached the account and recorded its mandate when the browser confirmed the SetupIntent; its
        charges take the PaymentMethod's id, as before."""
        label = bank_account_label(setup.bank_name, setup.account_type)
        return SavedCard(
            setup.payment_method, label, setup.last4, None, None, BANK_ACCOUNT, setup.bank_name, setup.account_type
        )
