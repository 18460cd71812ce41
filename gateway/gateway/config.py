"""The gateway's settings (the environment, typed) and Flask config."""

from limits import parse_many
from pydantic import field_validator

from billpay_common.config import BaseConfig
from billpay_common.settings import BillPaySettings, ServerSettings, read_settings, setting


class GatewaySettings(BillPaySettings):
    label = "gateway"

    SESSION_SECRET_KEY: str = setting(
        "",
        "signs CSRF tokens; must be the same for every gateway process (empty: a key kept under var/, "
        "one machine only)",
        secret=True,
        local_default=True,
        shown="generated into `var/local.env`",
    )
    GATEWAY_PAYMENT_SLOTS: int = setting(
        0,
        "payments one gateway process has at payment_service at once; more wait for a slot, so payments "
        "beyond what the cores can serve wait idle instead of taking the CPU and payment_service's threads from "
        "the pages (0: no limit; README, Processes and threads)",
        ge=0,
    )
    GATEWAY_PAYMENT_SLOT_WAIT_SECONDS: float = setting(
        10.0, "how long a payment waits for a slot before a 503 (nothing charged)", gt=0
    )
    SESSION_COOKIE_SECURE: bool = setting(False, "mark the cookie Secure (set `true` behind HTTPS)")
    SESSION_IDLE_SECONDS: int = setting(900, "a session ends after this many idle seconds", gt=0)
    CONSOLE_IDLE_SECONDS: int = setting(600, "an office console session ends after this many idle seconds", gt=0)
    CONSOLE_SIGN_IN_RATE_LIMIT: str = setting(
        "20 per 15 minutes", "office console sign-in attempts per client address, shared by every gateway process"
    )
    LOGIN_RATE_LIMIT: str = setting(
        "60 per minute", "login attempts per client address, shared by every gateway process"
    )

    FORGOT_PASSCODE_RATE_LIMIT: str = setting(
        "10 per hour", "forgot-passcode requests per client address, shared by every gateway process"
    )
    FORGOT_PASSCODE_ACCOUNT_RATE_LIMIT: str = setting(
        "3 per hour", "forgot-passcode requests per account number typed, whoever sends them"
    )

    CARD_PROCESSOR_JS_URL: str = setting(
        "http://127.0.0.1:8010/v3/",
        "the card processor's Stripe.js (`https://js.stripe.com/v3/` with Stripe; the sandbox processor's locally): "
        "its card fields take the card, never the portal",
        local_default=True,
    )
    CARD_PROCESSOR_PUBLISHABLE_KEY: str = setting(
        "pk_sandbox_local", "the processor's publishable key for its card fields (Stripe's `pk_live_...`)"
    )
    CARD_PROCESSOR_ORIGINS: str = setting(
        "http://127.0.0.1:8010",
        "the processor's origins, space separated, the only ones the pages' CSP lets scripts, frames and connections "
        "reach besides the portal (Stripe: `https://js.stripe.com https://api.stripe.com https://hooks.stripe.com`)",
        local_default=True,
    )

    @field_validator(
        "LOGIN_RATE_LIMIT",
        "CONSOLE_SIGN_IN_RATE_LIMIT",
        "FORGOT_PASSCODE_RATE_LIMIT",
        "FORGOT_PASSCODE_ACCOUNT_RATE_LIMIT",
    )
    @classmethod
    def _rate_limit(cls, value):
        try:
            parse_many(value)
        except ValueError:
            raise ValueError("must read like '60 per minute'") from None
        return value

    def flask_config(self):
        # Which listeners are the operators' and the office's is a server setting, shared with deploy/gunicorn.conf.py.
        server = read_settings(ServerSettings)
        return {
            **super().flask_config(),
            "SECRET_KEY": self.SESSION_SECRET_KEY,
            "INTERNAL_PORT": server.INTERNAL_PORT,
            "CONSOLE_PORT": server.CONSOLE_PORT,
        }


class Config(BaseConfig):
    settings_class = GatewaySettings
    SERVICE_NAME = "gateway"
    API_TITLE = "Bill Pay gateway"
    SESSION_COOKIE_NAME = "billpay_session"
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    RATELIMIT_HEADERS_ENABLED = True
    OPENAPI_URL_PREFIX = None  # the gateway serves the composed public document itself (openapi.py)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which expires after 15 idle minutes
    WTF_CSRF_SSL_STRICT = True
