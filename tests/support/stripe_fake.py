"""A stand-in for the Stripe SDK's client (`StripeClient.v1`) where localstripe cannot run: it has no
`us_bank_account` PaymentMethods, no SetupIntent `mandate_data` and no confirm parameters at all. Only the calls
the Stripe adapter makes for bank accounts and charges, answering with Stripe's own object classes in the shapes
Stripe documents for ACH Direct Debit: a confirmed debit is `processing` until the test settles or returns it.
Every request is kept (`requests`) so a test can read what was sent, as Stripe's request log would show.

Account numbers as Stripe's test mode documents them: 000123456789 succeeds, 000222222227 insufficient_funds,
000111111113 account_closed, 000111111116 no_account, 000333333335 debit_not_authorized; `verified=False` makes
one that still needs microdeposits (its SetupIntent stays requires_action).

The browser's part of Stripe's "save bank details" flow (Stripe.js collectBankAccountForSetup, then
confirmUsBankAccountSetup with the subscriber's online acceptance) is `collect_and_confirm`: a SetupIntent created
without a payment_method is given a bank account and confirmed, as Stripe would leave it."""

import uuid

import stripe

FAILURES = {
    "000222222227": ("insufficient_funds", "The customer's account has insufficient funds to cover this payment."),
    "000111111113": ("account_closed", "The customer's bank account has been closed."),
    "000111111116": ("no_account", "The customer's bank account could not be located."),
    "000333333335": ("debit_not_authorized", "The customer told their bank that this payment was unauthorized."),
}
KEY = "sk_test_fake"


def _new_id(prefix):
    """Unique across runs too: a database kept between runs (PostgreSQL) has the last run's intent ids."""
    return f"{prefix}_fake{uuid.uuid4().hex[:16]}"


def _construct(cls, data):
    return cls.construct_from(data, KEY)


class _Service:
    def __init__(self, fake, name):
        self.fake, self.name = fake, name

    def _log(self, verb, object_id=None, params=None, options=None):
        self.fake.requests.append((f"{self.name}.{verb}", object_id, params or {}, options or {}))


class _PaymentMethods(_Service):
    def retrieve(self, method_id, params=None, options=None):
        self._log("retrieve", method_id)
        return self.fake.payment_method(method_id)

    def update(self, method_id, params=None, options=None):
        self._log("update", method_id, params)
        method = self.fake.methods[method_id]
        method["metadata"].update((params or {}).get("metadata", {}))
        return self.fake.payment_method(method_id)

    def detach(self, method_id, params=None, options=None):
        self._log("detach", method_id)
        self.fake.methods[method_id]["customer"] = None
        return self.fake.payment_method(method_id)


class _Customers(_Service):
    def create(self, params=None, options=None):
        self._log("create", None, params)
        customer = {"id": _new_id("cus"), "object": "customer", "metadata": {}, **(params or {})}
        self.fake.customer_records[customer["id"]] = customer
        return _construct(stripe.Customer, customer)


class _SetupIntents(_Service):
    def create(self, params=None, options=None):
        self._log("create", None, params)
        params = params or {}
        if "payment_method" not in params:  # for Stripe.js to collect the bank account into (client_secret)
            return _construct(stripe.SetupIntent, self.fake.new_setup(params))
        method = self.fake.methods[params["payment_method"]]
        setup = {"id": _new_id("seti"), "object": "setup_intent", "customer": params.get("customer"), "mandate": None}
        setup["payment_method"] = method["id"]
        if not params.get("confirm"):
            setup["status"] = "requires_confirmation"
        elif not method["_verified"]:
            setup["status"], setup["next_action"] = "requires_action", {"type": "verify_with_microdeposits"}
        else:
            setup["status"], setup["mandate"] = "succeeded", _new_id("mandate")
            method["customer"] = params.get("customer")
        self.fake.setups[setup["id"]] = setup
        return _construct(stripe.SetupIntent, setup)

    def update(self, setup_id, params=None, options=None):
        """Metadata is merged key by key, as Stripe does."""
        self._log("update", setup_id, params)
        setup = self.fake.setups[setup_id]
        setup["metadata"] = {**(setup.get("metadata") or {}), **(params or {}).get("metadata", {})}
        return _construct(stripe.SetupIntent, setup)

    def cancel(self, setup_id, params=None, options=None):
        self._log("cancel", setup_id)
        self.fake.setups[setup_id]["status"] = "canceled"
        return _construct(stripe.SetupIntent, self.fake.setups[setup_id])

    def retrieve(self, setup_id, params=None, options=None):
        """With `expand` of customer and payment_method, as Stripe answers it."""
        self._log("retrieve", setup_id, params)
        if setup_id not in self.fake.setups:
            raise stripe.InvalidRequestError(f"No such setupintent: '{setup_id}'", "intent")
        setup = dict(self.fake.setups[setup_id])
        expand = (params or {}).get("expand", [])
        if "customer" in expand and setup.get("customer"):
            setup["customer"] = self.fake.customer_records[setup["customer"]]
        if "payment_method" in expand and setup.get("payment_method"):
            setup["payment_method"] = self.fake._public(self.fake.methods[setup["payment_method"]])
        return _construct(stripe.SetupIntent, setup)


class _PaymentIntents(_Service):
    def create(self, params=None, options=None):
        self._log("create", None, params, options)
        key = (options or {}).get("idempotency_key")
        if key in self.fake.idempotent:
            return self.retrieve(self.fake.idempotent[key])
        intent = {"id": _new_id("pi"), "object": "payment_intent", "status": "requires_confirmation", **params}
        intent.update(latest_charge=None, last_payment_error=None)
        self.fake.intents[intent["id"]] = intent
        self.fake.idempotent[key] = intent["id"]
        return _construct(stripe.PaymentIntent, intent)

    def confirm(self, intent_id, params=None, options=None):
        self._log("confirm", intent_id, params, options)
        intent = self.fake.intents[intent_id]
        if intent["status"] == "requires_confirmation":
            intent["status"] = "processing"  # an ACH debit: days at the banks, then an event
            intent["latest_charge"] = self.fake.new_charge(intent)
        return _construct(stripe.PaymentIntent, intent)

    def retrieve(self, intent_id, params=None, options=None):
        self._log("retrieve", intent_id, params)
        return _construct(stripe.PaymentIntent, self.fake.intents[intent_id])

    def cancel(self, intent_id, params=None, options=None):
        self._log("cancel", intent_id)
        self.fake.intents[intent_id]["status"] = "canceled"
        return _construct(stripe.PaymentIntent, self.fake.intents[intent_id])


class FakeStripe:
    """`client` for StripeProcessor (processor.client = FakeStripe()): the `v1` services it calls."""

    def __init__(self):
        self.methods, self.setups, self.intents, self.idempotent, self.customer_records = {}, {}, {}, {}, {}
        self.requests = []
        self.v1 = self
        self.payment_methods = _PaymentMethods(self, "payment_methods")
        self.customers = _Customers(self, "customers")
        self.setup_intents = _SetupIntents(self, "setup_intents")
        self.payment_intents = _PaymentIntents(self, "payment_intents")

    # what a test makes and reads

    def bank_account(
        self, account_number="000123456789", bank_name="STRIPE TEST BANK", account_type="checking", verified=True
    ):
        """A us_bank_account PaymentMethod as Stripe.js makes it from the subscriber's bank (Stripe keeps the
        number; the object shows its last 4)."""
        method_id = _new_id("pm")
        self.methods[method_id] = {
            "id": method_id,
            "object": "payment_method",
            "type": "us_bank_account",
            "customer": None,
            "metadata": {},
            "billing_details": {"name": "Michael Jones"},
            "us_bank_account": {
                "account_holder_type": "individual",
                "account_type": account_type,
                "bank_name": bank_name,
                "fingerprint": f"fp{account_number}",
                "last4": account_number[-4:],
                "routing_number": "110000000",
            },
            "_verified": verified,
            "_account_number": account_number,
        }
        return method_id

    def new_setup(self, params):
        setup_id = _new_id("seti")
        setup = {
            "id": setup_id,
            "object": "setup_intent",
            "client_secret": f"{setup_id}_secret_{uuid.uuid4().hex[:12]}",
            "status": "requires_payment_method",
            "customer": params.get("customer"),
            "payment_method": None,
            "payment_method_types": params.get("payment_method_types", ["card"]),
            "payment_method_options": params.get("payment_method_options", {}),
            "usage": params.get("usage", "off_session"),
            "metadata": params.get("metadata", {}),
            "mandate": None,
            "next_action": None,
        }
        self.setups[setup_id] = setup
        return setup

    def collect_and_confirm(self, setup_id, account_number="000123456789", verified=True, confirm=True, **bank):
        """What Stripe.js does in the subscriber's browser: collect a bank account into the SetupIntent
        (requires_confirmation), then confirm it with the online acceptance: succeeded with a mandate, the
        PaymentMethod attached to the SetupIntent's Customer, or requires_action for microdeposits."""
        setup = self.setups[setup_id]
        method_id = self.bank_account(account_number, verified=verified, **bank)
        setup["payment_method"], setup["status"] = method_id, "requires_confirmation"
        if not confirm:
            return setup
        if not verified:
            hosted = f"https://payments.stripe.com/microdeposit/sacs_test_{uuid.uuid4().hex[:12]}"
            setup["status"] = "requires_action"
            setup["next_action"] = {
                "type": "verify_with_microdeposits",
                "verify_with_microdeposits": {"hosted_verification_url": hosted, "microdeposit_type": "amounts"},
            }
            return setup
        return self.verify(setup_id)

    def verify(self, setup_id):
        """The subscriber verified the microdeposits on Stripe's page (or the account needed none): succeeded with
        a mandate, the PaymentMethod attached to the SetupIntent's Customer."""
        setup = self.setups[setup_id]
        setup["status"], setup["next_action"], setup["mandate"] = "succeeded", None, _new_id("mandate")
        self.methods[setup["payment_method"]]["customer"] = setup["customer"]
        return setup

    def payment_method(self, method_id):
        if method_id not in self.methods:
            raise stripe.InvalidRequestError(f"No such PaymentMethod: '{method_id}'", "payment_method")
        return _construct(stripe.PaymentMethod, self._public(self.methods[method_id]))

    @staticmethod
    def _public(method):
        return {name: value for name, value in method.items() if not name.startswith("_")}

    def new_charge(self, intent):
        method = self.methods[intent["payment_method"]]
        return {
            "id": _new_id("py"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": 0,
            "payment_intent": intent["id"],
            "payment_method": method["id"],
            "payment_method_details": {"type": method["type"], method["type"]: self._public(method)[method["type"]]},
            "status": "pending",
            "failure_code": None,
            "failure_message": None,
            "metadata": intent.get("metadata", {}),
        }

    def requests_of(self, name):
        return [request for request in self.requests if request[0] == name]

    def finish(self, intent_id):
        """The banks' answer days later, as Stripe applies it: succeeded, or (for the failing test accounts) failed
        with the ACH failure code. Returns the PaymentIntent and its charge as Stripe's events carry them."""
        intent = self.intents[intent_id]
        method = self.methods[intent["payment_method"]]
        charge = intent["latest_charge"]
        failure = FAILURES.get(method["_account_number"])
        if failure is None:
            intent["status"], charge["status"] = "succeeded", "succeeded"
        else:
            code, message = failure
            intent["status"], charge["status"] = "requires_payment_method", "failed"
            charge["failure_code"], charge["failure_message"] = code, message
            intent["last_payment_error"] = {
                "type": "card_error",
                "code": code,
                "message": message,
                "payment_method": self._public(method),
            }
        return dict(intent), dict(charge)
