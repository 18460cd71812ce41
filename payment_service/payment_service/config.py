"""payment_service's settings (the environment, typed) and Flask config."""

import importlib
from decimal import Decimal
from typing import Literal

from pydantic import ValidationInfo, field_validator

from billpay_common.config import BaseConfig
from billpay_common.service_auth import check_key
from billpay_common.settings import BackendSettings, database_url_setting, setting


def engine_options(url, pool_size=None):
    options = {}  # a connection idle in the pool is pinged before use: billpay_common.database
    if pool_size and not url.startswith("sqlite"):
        options["pool_size"] = pool_size
    if url.startswith("sqlite"):
        # Writers queue on SQLite's lock instead of failing after pysqlite's 5 s default.
        options["connect_args"] = {"timeout": 30}
    return options


STRIPE = "payment_service.processor.stripe_processor:StripeProcessor"


def test_processor_problem(values):
    """Why these settings charge no real card (one clause), or "" when they take real money."""
    if values.get("PAYMENT_PROCESSOR", "").endswith("sandbox:SandboxProcessor"):
        return f"PAYMENT_PROCESSOR is the sandbox (set it to {STRIPE})"
    if values.get("STRIPE_API_BASE"):
        return "STRIPE_API_BASE points at a Stripe stand-in (leave it empty)"
    for name in ("STRIPE_API_KEY", "STRIPE_PUBLISHABLE_KEY"):
        if "_test_" in values.get(name, ""):
            return f"{name} is a test key"
    if values.get("PAYMENT_PROCESSOR") == STRIPE and not values.get("STRIPE_WEBHOOK_SECRET"):
        return "STRIPE_WEBHOOK_SECRET is empty"
    return ""


class PaymentSettings(BackendSettings):
    label = "payment_service"

    PAYMENT_SERVICE_DATABASE_URL: str = database_url_setting("payment_service")
    REFUND_APPROVAL_THRESHOLD: Decimal = setting(
        Decimal("500.00"),
        "a refund above this amount waits for a second, different supervisor's approval before it goes to the "
        "processor",
        ge=0,
        decimal_places=2,
    )
    PAYMENT_PROCESSOR: str = setting(
        "payment_service.processor.sandbox:SandboxProcessor",
        "the card processor adapter (`module:Class`); the sandbox's is a local process of its own (`make run`)",
    )
    PROCESSOR_TIMEOUT_SECONDS: float = setting(
        20.0, "a processor call slower than this leaves the payment pending", gt=0
    )
    PAYMENT_DATABASE_POOL_SIZE: int = setting(
        5,
        "database connections each process keeps (10 more may open under load); size it near GUNICORN_THREADS "
        "(mind PostgreSQL's max_connections); a payment gives its connection back while the processor answers",
        ge=1,
    )
    IDEMPOTENCY_TTL_HOURS: int = setting(24, "how long idempotency keys are kept", gt=0)
    IDEMPOTENCY_WAIT_SECONDS: float = setting(
        10.0, "how long a second request with a key in flight waits for the first one's answer before a 409", ge=0
    )
    RECONCILE_AFTER_SECONDS: int = setting(
        60,
        "the payment worker looks a pending payment up at the processor after this long (gateways settle late)",
        ge=0,
    )
    ACH_LOOKUP_AFTER_SECONDS: int = setting(
        86400,
        "the payment worker looks a bank debit up at the processor when it has been pending this long without its "
        "settling event (an event lost, or a debit the processor never received), then again after as long",
        ge=0,
    )
    STALE_PROCESSING_SECONDS: int = setting(
        600,
        "the payment worker reconciles a payment stuck in processing (its process died mid-call) after this long",
        ge=0,
    )
    WORKER_INTERVAL_SECONDS: float = setting(
        2.0, "the payment worker's pause between outbox relay and reconciliation rounds", gt=0
    )
    EXPIRY_NOTICE_DAYS: int = setting(
        30, "the payment worker sends one reminder for a saved card expiring within this many days", ge=0
    )
    PAYMENT_SERVICE_KEY: str = setting(
        "",
        "payment_service's own credential (`X-Service-Key`) for invoice_service's internal endpoints, which "
        "hold only its SHA-256 (`INVOICE_SERVICE_CALLERS`); at least 32 characters",
        secret=True,
        local_default=True,
        shown="generated into `var/local.env` by `make run`",
    )
    AUTOPAY_NOTICE_DAYS: int = setting(
        10, "AutoPay e-mails a notice this many days before a charge whose amount differs from the last one", ge=1
    )
    AUTOPAY_RETRY_DAYS: str = setting(
        "3,7",
        "days after the first AutoPay try of an invoice (its due date, or the first run after) on which a declined "
        "charge is tried again (comma-separated, rising); "
        "after the last failed try AutoPay is suspended",
        pattern=r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
    )
    AUTOPAY_RATE_LIMIT_PER_SECOND: float = setting(
        100.0, "the most AutoPay charges one payment worker starts per second (the processor's write rate limit)", gt=0
    )
    AUTOPAY_CONCURRENCY: int = setting(
        50,
        "AutoPay charges one payment worker has in flight at once; at least the rate limit times the processor's "
        "answer time (100/s x 0.4 s = 40), with room for invoice_service's calls; each holds a database "
        "connection only for its own writes, never while another system answers",
        ge=1,
        le=256,
    )
    AUTOPAY_PROCESSES: int = setting(
        1,
        "processes one AutoPay run is split into, each charging its own share of the accounts under its share of "
        "the rate limit and the concurrency; one process stops near 75 accounts/s (its Python under one GIL), so "
        "give the payment worker a core per process",
        ge=1,
        le=16,
    )
    PORTAL_PAYMENT_URL: str = setting(
        "http://127.0.0.1:8000/pay",
        "the portal's Make A Payment page, linked from AutoPay e-mails",
        local_default=True,
    )
    PAYMENT_MIN_AMOUNT: Decimal = setting(
        Decimal("1.00"), "the smallest payment taken, in dollars (a tiny charge is how stolen cards are tested)", gt=0
    )
    PAYMENT_MAX_AMOUNT: Decimal = setting(
        Decimal("10000.00"), "the largest payment taken in one go, in dollars (larger: pay in parts or call us)", gt=0
    )
    CARD_DECLINES_PER_ACCOUNT: int = setting(
        5, "declined payments an account may have within CARD_DECLINE_ACCOUNT_WINDOW_SECONDS; then 429", ge=1
    )
    CARD_DECLINE_ACCOUNT_WINDOW_SECONDS: int = setting(3600, "the sliding window of CARD_DECLINES_PER_ACCOUNT", ge=1)
    CARD_DECLINES_PER_ADDRESS: int = setting(
        10,
        "declined payments from one client address (all accounts) within CARD_DECLINE_ADDRESS_WINDOW_SECONDS; then 429",
        ge=1,
    )
    CARD_DECLINE_ADDRESS_WINDOW_SECONDS: int = setting(3600, "the sliding window of CARD_DECLINES_PER_ADDRESS", ge=1)
    CARD_DECLINES_PER_CARD: int = setting(
        3, "declined payments of one card (all accounts) within CARD_DECLINE_CARD_WINDOW_SECONDS; then 429", ge=1
    )
    CARD_DECLINE_CARD_WINDOW_SECONDS: int = setting(86400, "the sliding window of CARD_DECLINES_PER_CARD", ge=1)
    DECLINE_BURST_LIMIT: int = setting(
        30, "more declines than this across all accounts within DECLINE_BURST_WINDOW_SECONDS logs one warning", ge=1
    )
    DECLINE_BURST_WINDOW_SECONDS: int = setting(600, "the window of DECLINE_BURST_LIMIT", ge=1)

    SANDBOX_PROCESSOR_URL: str = setting(
        "http://127.0.0.1:8010",
        "where the sandbox processor (a test processor of its own process, `make run` only) is reached",
        local_default=True,
    )
    SANDBOX_PROCESSOR_KEY: str = setting(
        "sk_sandbox_local",
        "the sandbox processor's key (its SANDBOX_SECRET_KEY); not a secret: the sandbox charges no real card",
    )
    STRIPE_API_KEY: str = setting(
        "", "Stripe's secret API key (`sk_live_...` in production); only the Stripe processor reads it", secret=True
    )
    STRIPE_PUBLISHABLE_KEY: str = setting("", "Stripe's publishable key (`pk_live_...`), for Stripe's card fields")
    STRIPE_WEBHOOK_SECRET: str = setting(
        "", "the signing secret of the Stripe webhook endpoint (`whsec_...`): `POST /webhooks/stripe`", secret=True
    )
    STRIPE_API_BASE: str = setting(
        "", "where the Stripe API is reached; empty: Stripe itself (a localstripe URL in tests only)", shown="Stripe"
    )
    BILLPAY_ENVIRONMENT: Literal["development", "production"] = setting(
        "development",
        "`production` refuses to start with a test processor: the sandbox, a `STRIPE_API_BASE` or a test key",
    )

    @field_validator("BILLPAY_ENVIRONMENT")
    @classmethod
    def _no_test_processor_in_production(cls, environment, info: ValidationInfo):
        if environment == "production":
            problem = test_processor_problem(info.data)
            if problem:
                raise ValueError(f"production refuses a test processor: {problem}")
        return environment

    @field_validator("PAYMENT_SERVICE_KEY")
    @classmethod
    def _long_enough(cls, key):
        return check_key(key)

    @field_validator("AUTOPAY_RETRY_DAYS")
    @classmethod
    def _rising_days(cls, text):
        days = [int(part) for part in text.split(",")]
        if days != sorted(set(days)) or days[0] < 1:
            raise ValueError("must be rising whole days, each at least 1, e.g. 3,7")
        return ",".join(str(day) for day in days)

    @field_validator("PAYMENT_PROCESSOR")
    @classmethod
    def _importable(cls, spec):
        module_name, _, class_name = spec.partition(":")
        if not module_name or not class_name:
            raise ValueError("must look like module:Class")
        try:
            found = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as error:
            raise ValueError(f"cannot import it ({error})") from None
        if not isinstance(found, type):
            raise ValueError(f"{class_name} is not a class")
        return spec

    def flask_config(self):
        url = self.PAYMENT_SERVICE_DATABASE_URL
        return {
            **super().flask_config(),
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url, self.PAYMENT_DATABASE_POOL_SIZE),
        }


class Config(BaseConfig):
    settings_class = PaymentSettings
    SERVICE_NAME = "payment_service"
    API_TITLE = "Bill Pay payment_service"
