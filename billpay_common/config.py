"""The Flask config every service shares: fixed values here, the environment's through a settings class.

A service's Config names its settings class (`settings_class`, a subclass of settings.BillPaySettings);
load_config puts the settings' values in app.config, then this class's upper-case attributes, so a test's
subclass of Config overrides either."""

from .settings import BillPaySettings


class BaseConfig:
    settings_class = BillPaySettings
    SERVICE_NAME = "billpay"
    TOKEN_ISSUER = "billpay-auth"
    TOKEN_AUDIENCE = "billpay"
    MAX_CONTENT_LENGTH = 1024 * 1024
    # No SQLALCHEMY_ENGINE_OPTIONS here: it comes with the settings (settings.BillPaySettings.flask_config), which a
    # class attribute would override, so payment_service's PAYMENT_DATABASE_POOL_SIZE would never reach its pool.
    # flask-smorest: one OpenAPI document per service at /openapi.json
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    TESTING = False
