"""auth_service's settings (the environment, typed) and Flask config."""

from cryptography.fernet import Fernet
from pydantic import field_validator

from billpay_common.config import BaseConfig
from billpay_common.settings import BackendSettings, database_url_setting, setting


class AuthSettings(BackendSettings):
    label = "auth_service"

    AUTH_SERVICE_DATABASE_URL: str = database_url_setting("auth_service")
    ACCESS_TOKEN_TTL_SECONDS: int = setting(900, "token lifetime", gt=0)
    SESSION_ABSOLUTE_LIFETIME_SECONDS: int = setting(
        43200, "a sign-in ends this long after the login, however often its token is refreshed", gt=0
    )
    PASSCODE_RESET_LINK_MINUTES: int = setting(30, "how long an e-mailed set-passcode link works (once)", ge=1)
    PASSCODE_RESET_URL: str = setting(
        "http://127.0.0.1:8000/set-passcode",
        "the portal's set-passcode page; the e-mailed link is this plus `?token=...`",
        local_default=True,
    )
    LOGIN_LOCKOUT_THRESHOLD: int = setting(
        10,
        "failed logins before a lockout (account numbers without portal access lock the same way, counted "
        "in Redis, so a lockout does not tell which numbers exist)",
        ge=1,
    )
    LOGIN_LOCKOUT_MINUTES: int = setting(30, "how long a lockout lasts", ge=1)
    # argon2id; the library defaults (t=3, m=64 MiB, p=4) exceed OWASP's minimum. Lower only in tests.
    ARGON2_TIME_COST: int = setting(3, "argon2id passes (library default, above OWASP's minimum)", ge=1)
    ARGON2_MEMORY_COST: int = setting(65536, "argon2id memory in KiB (library default)", ge=8)
    ARGON2_PARALLELISM: int = setting(4, "argon2id lanes (library default)", ge=1)
    STAFF_TOKEN_TTL_SECONDS: int = setting(900, "lifetime of a staff member's token (signed in again after it)", gt=0)
    STAFF_LOCKOUT_THRESHOLD: int = setting(
        5, "failed staff sign-ins (wrong password or TOTP code) before that staff account locks", ge=1
    )
    STAFF_LOCKOUT_MINUTES: int = setting(30, "how long a staff lockout lasts (an admin can lift it sooner)", ge=1)
    STAFF_SIGN_IN_ADDRESS_LIMIT: int = setting(
        30, "staff sign-in attempts from one client address per window, whatever the usernames", ge=1
    )
    STAFF_SIGN_IN_ADDRESS_WINDOW_SECONDS: int = setting(900, "the window of that limit", gt=0)
    TOTP_ENCRYPTION_KEYS: str = setting(
        "",
        "Fernet keys, space separated, that encrypt every TOTP secret at rest: the first encrypts, each one decrypts "
        "(rotation); empty: a key kept under var/ (one machine only)",
        secret=True,
        local_default=True,
        shown="generated into `var/auth-totp-key`",
    )
    OFFICE_PHONE: str = setting("1-844-837-5321", "the number a locked-out subscriber is told to call")

    @field_validator("TOTP_ENCRYPTION_KEYS")
    @classmethod
    def _fernet_keys(cls, value):
        for key in value.split():
            try:
                Fernet(key)
            except ValueError:
                raise ValueError("each key must be a Fernet key (32 url-safe base64-encoded bytes)") from None
        return value

    def flask_config(self):
        return {**super().flask_config(), "SQLALCHEMY_DATABASE_URI": self.AUTH_SERVICE_DATABASE_URL}


class Config(BaseConfig):
    settings_class = AuthSettings
    SERVICE_NAME = "auth_service"
    API_TITLE = "Bill Pay auth_service"
