"""`billpay-office` on the real stack: a staff member signs in with password and TOTP at the prompts, and the
commands call the ops APIs as that person (role checked, audited under their name)."""

import pyotp
import pytest
from click.testing import CliRunner

from billpay_common.office_console import office
from devtools.testing import unique_account
from tests.support.accounts import create_staff_member, create_subscriber, ops, pay_and_save_card


@pytest.fixture
def console(stack, tmp_path):
    env = {
        "AUTH_SERVICE_URL": stack.url("auth_service"),
        "INVOICE_SERVICE_URL": stack.url("invoice_service"),
        "PAYMENT_SERVICE_URL": stack.url("payment_service"),
        "BILLPAY_OFFICE_TOKEN_FILE": str(tmp_path / "token"),
    }
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(office, list(args), env=env, input=input)


def _made_staff(stack, *roles):
    """A new staff member not signed in yet (its first code is still unused)."""
    made = ops(stack, "auth_service").post("/ops/staff", {"username": f"desk-{unique_account()}", "roles": list(roles)})
    assert made.status == 201, made.data
    return made.json_body


def test_sign_in_at_the_prompts_then_grant_as_that_person(stack, console, tmp_path):
    clerk = _made_staff(stack, "clerk")
    code = pyotp.TOTP(clerk["totp_secret"]).now()
    signed_in = console("sign-in", input=f"{clerk['username']}\n{clerk['password']}\n{code}\n")
    assert signed_in.exit_code == 0, signed_in.output
    assert f"Signed in as {clerk['username']} (clerk)" in signed_in.output
    assert oct((tmp_path / "token").stat().st_mode & 0o777) == "0o600"
    account = unique_account()
    granted = console("grant", account, "--email", f"{account}@example.com", "--name", "Desk Person")
    assert granted.exit_code == 0 and "Passcode: " in granted.output, granted.output
    audit = ops(stack, "auth_service").get(f"/ops/audit?account={account}").json_body
    assert [entry["actor"] for entry in audit] == [f"staff:{clerk['username']}"]
    refund = console("refund", "no-such-payment")
    assert refund.exit_code != 0 and "supervisor role" in refund.output


def test_a_wrong_code_signs_nobody_in(stack, console):
    viewer = _made_staff(stack, "viewer")
    refused = console("sign-in", input=f"{viewer['username']}\n{viewer['password']}\n000000\n")
    assert refused.exit_code != 0 and "not correct" in refused.output
    assert "Sign in first" in console("access", "1").output


def test_a_supervisor_approves_another_supervisors_large_refund(stack, console):
    payer = pay_and_save_card(create_subscriber(stack, ("750.00",), name="Large Refund"), "750.00")
    asker = create_staff_member(stack, "supervisor")
    asked = asker.client(stack, "payment_service").post(f"/ops/payments/{payer.payment_id}/refund", {})
    assert asked.status == 202, asked.data
    supervisor = _made_staff(stack, "supervisor")
    code = pyotp.TOTP(supervisor["totp_secret"]).now()
    assert console("sign-in", input=f"{supervisor['username']}\n{supervisor['password']}\n{code}\n").exit_code == 0
    listed = console("approvals")
    assert asked.json_body["id"] in listed.output and f"staff:{asker.username}" in listed.output, listed.output
    approved = console("approve", asked.json_body["id"])
    assert approved.exit_code == 0 and "750.00 is done" in approved.output, approved.output


def test_import_sends_the_file_with_a_progress_bar_and_prints_each_rejected_row(stack, console, tmp_path):
    clerk = _made_staff(stack, "clerk")
    code = pyotp.TOTP(clerk["totp_secret"]).now()
    assert console("sign-in", input=f"{clerk['username']}\n{clerk['password']}\n{code}\n").exit_code == 0
    account = unique_account()
    header = (
        "record,account,name,line1,line2,city,state,zip,account_type,status,comm_type,online_date,phone,email,"
        "invoice,date,due_date,amount,description,period_start,period_end,quantity,unit_price,tax"
    )
    good = f'account,{account},"Desk, Dana",1 Oak St,,Syracuse,NY,13204,Residential,Active,Digital,2020-01-01,5,d@x.io'
    orphan = "invoice,0000000001" + "," * 13 + "X2,2024-01-15,2024-02-15,54.00" + "," * 6
    path = tmp_path / "desk.csv"
    path.write_text("\n".join([header, good + "," * 10, orphan]) + "\n")
    imported = console("import", str(path))
    assert imported.exit_code == 1, imported.output  # a rejected row: the rest is stored, the exit status says so
    assert "Importing" in imported.output and "line 3: account 0000000001 does not exist" in imported.output
    assert "Summary: created 1, updated 0, unchanged 0, rejected 1" in imported.output
    assert ops(stack, "invoice_service").get(f"/ops/accounts/{account}").status == 200
    again = console("import", str(path))
    assert "Summary: created 0, updated 0, unchanged 1, rejected 1" in again.output
