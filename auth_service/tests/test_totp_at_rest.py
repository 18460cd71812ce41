"""TOTP secrets are stored as Fernet tokens: the table never holds the secret, the app reads it back, a wrong key
cannot, and rotate-totp-key moves every token to the newest key."""

import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from auth_service import secret_box, staff
from auth_service.config import AuthSettings
from auth_service.extensions import db
from auth_service.models import StaffMember


def _stored(username):
    row = db.session.execute(text("SELECT totp_secret FROM staff_members WHERE username = :u"), {"u": username})
    return row.scalar_one()


def test_the_table_holds_a_token_the_app_decrypts(app):
    with app.app_context():
        member, _ = staff.create_staff(f"rest-{uuid.uuid4().hex[:8]}", ["viewer"], "tests")
        secret = member.totp_secret
        db.session.expire_all()
        stored = _stored(member.username)
        assert secret not in stored and stored.startswith("gAAAA")
        assert db.session.get(StaffMember, member.username).totp_secret == secret


def test_another_key_cannot_read_the_secret(app):
    with app.app_context():
        member, _ = staff.create_staff(f"rest-{uuid.uuid4().hex[:8]}", ["viewer"], "tests")
        stored = _stored(member.username)
    kept = app.extensions["totp_box"]
    app.extensions["totp_box"] = secret_box.MultiFernet([Fernet(Fernet.generate_key())])
    try:
        with app.app_context(), pytest.raises(ValueError, match="cannot be decrypted"):
            secret_box.decrypt(stored)
    finally:
        app.extensions["totp_box"] = kept


def test_rotation_re_encrypts_every_secret_with_the_new_first_key(app, runner):
    with app.app_context():
        member, _ = staff.create_staff(f"rest-{uuid.uuid4().hex[:8]}", ["viewer"], "tests")
        secret, old_box = member.totp_secret, app.extensions["totp_box"]
    new_key = Fernet.generate_key()
    app.extensions["totp_box"] = secret_box.MultiFernet([Fernet(new_key), *old_box._fernets])
    try:
        result = runner.invoke(args=["rotate-totp-key"])
        assert result.exit_code == 0 and "encrypted with the first key" in result.output
        with app.app_context():
            assert Fernet(new_key).decrypt(_stored(member.username).encode()).decode() == secret
    finally:
        app.extensions["totp_box"] = secret_box.MultiFernet([*old_box._fernets, Fernet(new_key)])
        with app.app_context():  # back under the suite's key, for the tests that follow
            secret_box.rotate_all()
        app.extensions["totp_box"] = old_box


def test_a_key_that_is_not_a_fernet_key_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(ValueError, match="Fernet key"):
        AuthSettings()


def test_the_migration_encrypts_secrets_stored_in_plain_and_its_downgrade_decrypts_them(tmp_path, redis_url):
    from flask_migrate import downgrade, upgrade

    from auth_service import create_app
    from auth_service.config import Config
    from billpay_common.migrations import enable_migrations
    from tests.support.service_apps import unmigrated_app

    app = unmigrated_app(create_app, Config, tmp_path / "auth.db", redis_url)
    enable_migrations(app)  # for flask_migrate's upgrade() and downgrade() below
    insert = text(
        "INSERT INTO staff_members (username, password_hash, totp_secret, roles, active, failed_attempts, "
        "last_totp_step, created_at, updated_at) VALUES ('plain', 'x', 'JBSWY3DPEHPK3PXP', 'viewer', true, 0, 0, "
        "'2026-01-01', '2026-01-01')"
    )
    try:
        with app.app_context():
            upgrade(revision="4566f0d64c00")
            db.session.execute(insert)
            db.session.commit()
            upgrade()
            assert _stored("plain").startswith("gAAAA")
            assert db.session.get(StaffMember, "plain").totp_secret == "JBSWY3DPEHPK3PXP"
            db.session.rollback()
            downgrade(revision="4566f0d64c00")
            assert _stored("plain") == "JBSWY3DPEHPK3PXP"
    finally:
        with app.app_context():
            db.engine.dispose()
