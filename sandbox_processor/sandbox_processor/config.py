"""The sandbox processor's settings (the environment, typed) and Flask config. Never deployed in production."""

from billpay_common.config import BaseConfig
from billpay_common.settings import BillPaySettings, setting, under_var_dir


class SandboxSettings(BillPaySettings):
    label = "sandbox_processor (local use and tests only)"

    SANDBOX_DATABASE_URL: str = setting(
        description="the sandbox processor's own ledger of card tokens and charges",
        local_default=True,
        factory=under_var_dir("sqlite:///{}/sandbox_processor.db"),
    )
    SANDBOX_SECRET_KEY: str = setting(
        "sk_sandbox_local",
        "the key payment_service charges with (`Authorization: Bearer`), like a processor's secret API key",
        secret=True,
        local_default=True,
    )
    SANDBOX_PUBLISHABLE_KEY: str = setting(
        "pk_sandbox_local", "the key the portal's card fields send with each card, like a publishable key"
    )
    SANDBOX_FINGERPRINT_SECRET: str = setting(
        "sandbox-fingerprint-secret",
        "the HMAC key of card fingerprints (the same card gives the same fingerprint, the number is never kept)",
        secret=True,
        local_default=True,
    )
    SANDBOX_LATENCY_MS: int = setting(
        0,
        "milliseconds each charge waits before it is answered, as a real processor's 300-800 ms (the bench uses "
        "400); the wait holds no database connection and blocks no other request",
        ge=0,
        le=60000,
    )
    SANDBOX_FRAME_ANCESTORS: str = setting(
        "*", "the origins allowed to frame the sandbox's card fields (CSP `frame-ancestors`), space separated"
    )

    SANDBOX_ACH_SETTLEMENT_DAYS: int = setting(
        3, "banking days an ACH debit stays processing before it settles or is returned (see outcomes.ACH_DOC)"
    )

    def flask_config(self):
        return {**super().flask_config(), "SQLALCHEMY_DATABASE_URI": self.SANDBOX_DATABASE_URL}


class Config(BaseConfig):
    settings_class = SandboxSettings
    SERVICE_NAME = "sandbox_processor"
    API_TITLE = "Bill Pay sandbox processor"
