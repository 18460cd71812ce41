"""Staff accounts: bootstrap, admin endpoints, TOTP sign-in with lockout and replay refusal, staff tokens that
never pass as subscriber tokens and the other way round."""

import time
import uuid

import pyotp
import pytest

from auth_service.extensions import db
from auth_service.models import StaffMember
from devtools.testing import unique_account


def _name(prefix="staff"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def admin(staff_headers):
    return staff_headers(_name("admin"), "admin")


@pytest.fixture
def new_staff(client, admin):
    """new_staff(*roles) -> the created member's answer (username, password, totp_secret, ...)."""

    def make(*roles):
        created = client.post("/ops/staff", json={"username": _name(), "roles": list(roles)}, headers=admin)
        assert created.status_code == 201, created.json
        return created.json

    return make


def _code(secret, at=None):
    return pyotp.TOTP(secret).at(at or time.time())


def _sign_in(client, member, code=None, password=None):
    body = {
        "username": member["username"],
        "password": password or member["password"],
        "code": code or _code(member["totp_secret"]),
    }
    return client.post("/staff/sign-in", json=body)


def _forget_last_code(app, username):
    """As if the code just used were from an earlier step, so the same step's code may sign in again."""
    with app.app_context():
        db.session.get(StaffMember, username).last_totp_step = 0
        db.session.commit()


def test_creating_staff_returns_the_password_and_totp_enrolment_once(client, new_staff, admin):
    member = new_staff("clerk")
    assert member["roles"] == ["clerk"] and len(member["password"]) >= 16
    assert member["otpauth_uri"].startswith("otpauth://totp/") and member["totp_secret"] in member["otpauth_uri"]
    assert member["qr_svg"].startswith("<svg")
    listed = {row["username"]: row for row in client.get("/ops/staff", headers=admin).json}
    assert listed[member["username"]]["roles"] == ["clerk"]
    assert "password" not in listed[member["username"]] and "totp_secret" not in listed[member["username"]]


def test_right_password_and_code_sign_in_for_a_staff_token(client, new_staff):
    member = new_staff("supervisor")
    signed_in = _sign_in(client, member)
    assert signed_in.status_code == 200, signed_in.json
    assert signed_in.json["roles"] == ["supervisor"] and signed_in.json["expires_in"] == 900
    staff_token = {"Authorization": f"Bearer {signed_in.json['access_token']}"}
    assert client.get("/ops/audit", headers=staff_token).status_code == 200  # supervisor implies viewer


def test_a_wrong_code_or_password_is_refused_alike_and_audited(client, new_staff, admin):
    member = new_staff("viewer")
    wrong_code = _sign_in(client, member, code=_code(member["totp_secret"], time.time() - 300))
    wrong_password = _sign_in(client, member, password="not-the-password")
    assert wrong_code.status_code == wrong_password.status_code == 401
    assert wrong_code.json == wrong_password.json
    audit = client.get(f"/ops/staff-audit?username={member['username']}", headers=admin).json
    assert [entry["detail"] for entry in audit[:2]] == ["wrong_password", "wrong_code"]
    assert all(member["password"] not in str(entry) for entry in audit)


def test_a_code_signs_in_once_only(client, new_staff):
    member = new_staff("viewer")
    code = _code(member["totp_secret"])
    assert _sign_in(client, member, code=code).status_code == 200
    replayed = _sign_in(client, member, code=code)
    assert replayed.status_code == 401 and replayed.json["error"]["code"] == "invalid_credentials"


def test_repeated_failures_lock_the_staff_account_even_for_the_right_code(app, client, new_staff, admin):
    member = new_staff("viewer")
    for _ in range(app.config["STAFF_LOCKOUT_THRESHOLD"]):
        assert _sign_in(client, member, password="wrong-password").status_code == 401
    locked = _sign_in(client, member)
    assert locked.status_code == 429 and locked.json["error"]["code"] == "account_locked"
    assert client.post(f"/ops/staff/{member['username']}/unlock", headers=admin).status_code == 200
    assert _sign_in(client, member).status_code == 200


def test_the_code_must_be_six_digits(client, new_staff):
    refused = _sign_in(client, new_staff("viewer"), code="12ab")
    assert refused.status_code == 422 and "6 digits" in str(refused.json)


def test_a_staff_token_is_not_a_subscriber_token(client, new_staff):
    signed_in = _sign_in(client, new_staff("viewer")).json
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {signed_in['access_token']}"}).status_code == 401


def test_a_subscriber_token_is_not_a_staff_token(client, ops):
    number = unique_account()
    body = {"account": number, "email": "x@example.com", "name": "X", "passcode": "pass-1234"}
    assert client.post("/ops/access", json=body, headers=ops).status_code == 201
    token = client.post("/auth/login", json={"username": number, "password": "pass-1234"}).json["access_token"]
    refused = client.get("/ops/audit", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def test_a_missing_role_is_named(client, new_staff):
    member = new_staff("viewer")
    token = {"Authorization": f"Bearer {_sign_in(client, member).json['access_token']}"}
    refused = client.post(f"/ops/access/{unique_account()}/unlock", headers=token)
    assert refused.status_code == 403 and "clerk role" in refused.json["error"]["message"]
    assert client.get("/ops/staff", headers=token).status_code == 403


def test_new_roles_end_the_sessions_of_the_old_ones(app, client, new_staff, admin):
    member = new_staff("clerk")
    token = {"Authorization": f"Bearer {_sign_in(client, member).json['access_token']}"}
    changed = client.put(f"/ops/staff/{member['username']}/roles", json={"roles": ["viewer"]}, headers=admin)
    assert changed.status_code == 200 and changed.json["roles"] == ["viewer"]
    assert client.get("/ops/audit", headers=token).status_code == 401
    _forget_last_code(app, member["username"])
    again = _sign_in(client, member)
    assert again.json["roles"] == ["viewer"]


def test_a_disabled_staff_member_cannot_sign_in(app, client, new_staff, admin):
    member = new_staff("viewer")
    token = {"Authorization": f"Bearer {_sign_in(client, member).json['access_token']}"}
    assert client.post(f"/ops/staff/{member['username']}/disable", headers=admin).status_code == 200
    assert client.get("/ops/audit", headers=token).status_code == 401
    _forget_last_code(app, member["username"])
    assert _sign_in(client, member).status_code == 401


def test_a_totp_reset_retires_the_old_authenticator(client, new_staff, admin):
    member = new_staff("viewer")
    reset = client.post(f"/ops/staff/{member['username']}/reset-totp", headers=admin)
    assert reset.status_code == 200 and reset.json["totp_secret"] != member["totp_secret"]
    assert _sign_in(client, member).status_code == 401
    assert _sign_in(client, member, code=_code(reset.json["totp_secret"])).status_code == 200


def test_only_an_admin_manages_staff(client, staff_headers):
    supervisor = staff_headers(_name(), "supervisor", "clerk", "viewer")
    refused = client.post("/ops/staff", json={"username": _name(), "roles": ["admin"]}, headers=supervisor)
    assert refused.status_code == 403 and "admin role" in refused.json["error"]["message"]


def test_unknown_roles_and_bad_usernames_are_refused(client, admin):
    assert client.post("/ops/staff", json={"username": _name(), "roles": ["root"]}, headers=admin).status_code == 422
    digits = client.post("/ops/staff", json={"username": "12345678", "roles": ["viewer"]}, headers=admin)
    assert digits.status_code == 422 and "starting with a letter" in digits.json["error"]["message"]


def test_bootstrap_makes_the_first_admin_and_refuses_a_second(app, runner, client):
    with app.app_context():
        existing = db.session.query(StaffMember).filter(StaffMember.roles.like("%admin%")).all()
        for member in existing:
            member.active = False
        db.session.commit()
    username = _name("first")
    made = runner.invoke(args=["staff", "bootstrap-admin", username])
    assert made.exit_code == 0, made.output
    password = made.output.split("Password: ")[1].split()[0]
    secret = made.output.split("TOTP secret: ")[1].split()[0]
    signed_in = _sign_in(client, {"username": username, "password": password, "totp_secret": secret})
    assert signed_in.status_code == 200 and signed_in.json["roles"] == ["admin"]
    second = runner.invoke(args=["staff", "bootstrap-admin", _name("second")])
    assert second.exit_code != 0 and "An admin exists already" in second.output


def test_an_unknown_username_gets_the_same_answer_and_is_audited_as_anonymous(client, new_staff, admin):
    known = _sign_in(client, new_staff("viewer"), password="wrong-password")
    name = _name("nobody")
    unknown = _sign_in(client, {"username": name, "password": "whatever", "totp_secret": pyotp.random_base32()})
    assert unknown.status_code == known.status_code == 401 and unknown.json == known.json
    [entry] = client.get(f"/ops/staff-audit?username={name}", headers=admin).json
    assert (entry["actor"], entry["detail"]) == ("anonymous", "unknown_or_disabled")


def test_one_address_is_limited_across_usernames_while_another_signs_in(app, client, new_staff, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_SIGN_IN_ADDRESS_LIMIT", 3)
    member, other = new_staff("viewer"), new_staff("viewer")
    attacker = {"REMOTE_ADDR": f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}
    for username in ("nobody-1", "nobody-2", member["username"]):
        body = {"username": username, "password": "guess-password", "code": "123456"}
        assert client.post("/staff/sign-in", json=body, environ_base=attacker).status_code == 401
    body = {"username": other["username"], "password": other["password"], "code": _code(other["totp_secret"])}
    refused = client.post("/staff/sign-in", json=body, environ_base=attacker)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "too_many_sign_ins"
    assert client.post("/staff/sign-in", json=body, environ_base={"REMOTE_ADDR": "10.8.0.1"}).status_code == 200
