"""PAYMENT_DATABASE_POOL_SIZE reaches the app's engine options (a class attribute of the shared Config once hid it,
and every process kept SQLAlchemy's default pool of 5, opening and closing a connection per payment beyond it)."""

from flask import Flask

from billpay_common.app import load_config
from payment_service.config import Config

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/unused"


def app_with(monkeypatch, tmp_path, **environ):
    monkeypatch.setenv("BILLPAY_VAR_DIR", str(tmp_path))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app = Flask(__name__)
    load_config(app, Config)
    return app


def test_the_pool_size_setting_reaches_the_engine_options(monkeypatch, tmp_path):
    app = app_with(monkeypatch, tmp_path, PAYMENT_SERVICE_DATABASE_URL=POSTGRES, PAYMENT_DATABASE_POOL_SIZE="22")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_size": 22}


def test_sqlite_waits_for_its_write_lock_instead_of_failing_after_5_seconds(monkeypatch, tmp_path):
    app = app_with(monkeypatch, tmp_path, PAYMENT_SERVICE_DATABASE_URL=f"sqlite:///{tmp_path}/payments.db")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"connect_args": {"timeout": 30}}
