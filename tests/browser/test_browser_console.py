"""The office console in Chromium, on the gateway's console listener: sign-in with TOTP, granting portal access,
a large refund approved by a second supervisor, an import with its per-row errors, the roles each page needs;
every page checked by axe-core. The public port never serves any of it."""

import urllib3
from playwright.sync_api import Page, expect

from devtools.api_client import ApiClient
from devtools.testing import unique_account
from tests.support.accessibility import assert_no_axe_violations
from tests.support.accounts import create_subscriber, ops, pay_and_save_card
from tests.support.chromium_console import NewStaff, console_sign_in, new_staff


def _find_account(page: Page, console_url, account):
    page.goto(console_url + "accounts")
    page.get_by_label("Account number").fill(account)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name=f"Account {account}")).to_be_visible()


def test_a_clerk_signs_in_with_totp_and_grants_portal_access(page: Page, stack):
    console, clerk = stack.console_url(), new_staff(stack, "clerk")
    page.goto(console + "sign-in")
    assert_no_axe_violations(page)
    console_sign_in(page, console, clerk, code="000000" if clerk.code() != "000000" else "111111")
    expect(page.get_by_role("alert")).to_contain_text("username, password or code is not correct")
    assert_no_axe_violations(page)
    console_sign_in(page, console, clerk)
    assert_no_axe_violations(page)

    account = unique_account()
    _find_account(page, console, account)
    expect(page.get_by_text("No portal access.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Name", exact=True).fill("Console, Connie")
    page.get_by_label("E-mail").fill(f"connie{account}@example.com")
    page.get_by_role("button", name="Grant access").click()
    expect(page.get_by_role("status")).to_contain_text(f"Portal access granted to {account}")
    expect(page.get_by_role("button", name="Reset passcode")).to_be_visible()
    assert_no_axe_violations(page)

    audit = ops(stack, "auth_service").get(f"/ops/audit?account={account}").json_body
    assert [(entry["action"], entry["actor"]) for entry in audit] == [("grant", f"staff:{clerk.username}")]
    page.get_by_role("button", name="Reset passcode").click()
    expect(page.get_by_role("status")).to_contain_text("a set-passcode link was e-mailed")


def test_a_large_refund_waits_for_a_second_supervisor(page: Page, browser, browser_context_args, stack):
    subscriber = pay_and_save_card(create_subscriber(stack, ("650.00",)), "650.00")
    console, first, second = stack.console_url(), new_staff(stack, "supervisor"), new_staff(stack, "supervisor")

    console_sign_in(page, console, first)
    page.goto(f"{console}payments?account={subscriber.account}")
    assert_no_axe_violations(page)
    row = page.get_by_role("row").filter(has_text=subscriber.payment_id)
    row.get_by_role("button", name="Refund").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting a second supervisor's approval")
    page.goto(console + "approvals")
    assert_no_axe_violations(page)
    waiting = page.get_by_role("row").filter(has_text=subscriber.payment_id)
    waiting.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert")).to_contain_text("you asked for this one")

    other = browser.new_context(**browser_context_args)
    try:
        second_page = other.new_page()
        console_sign_in(second_page, console, second)
        second_page.goto(console + "approvals")
        second_page.get_by_role("row").filter(has_text=subscriber.payment_id).get_by_role(
            "button", name="Approve"
        ).click()
        expect(second_page.get_by_role("status")).to_contain_text("The refund of 650.00 is done")
    finally:
        other.close()
    payment = ops(stack, "payment_service").get(f"/ops/payments?account={subscriber.account}").json_body["items"][0]
    assert (payment["id"], payment["status"]) == (subscriber.payment_id, "refunded")

    page.goto(f"{console}audit?kind=reversals&actor={second.username}")
    assert_no_axe_violations(page)
    refund = page.get_by_role("table").get_by_role("row").filter(has_text=subscriber.payment_id)
    expect(refund).to_contain_text(first.username)
    expect(refund).to_contain_text(second.username)
    expect(refund).to_contain_text("done")
    expect(page.get_by_role("option", name="staff accounts")).to_have_count(0)  # an admin's kind only


def test_an_import_shows_its_progress_and_every_rejected_row(page: Page, stack, tmp_path):
    clerk, account = new_staff(stack, "clerk"), unique_account()
    header = (
        "record,account,name,line1,line2,city,state,zip,account_type,status,comm_type,online_date,phone,email,"
        "invoice,date,due_date,amount,description,period_start,period_end,quantity,unit_price,tax"
    )
    rows = [
        header,
        f'account,{account},"Import, Ida",1 Oak St,,Syracuse,NY,13204,Residential,Active,Digital,2020-01-01,555,'
        "i@example.com" + "," * 10,
        "invoice,0000000001" + "," * 13 + "X1,2024-01-15,2024-02-15,54.00" + "," * 6,
    ]
    path = tmp_path / "office.csv"
    path.write_text("\n".join(rows) + "\n")
    console_sign_in(page, stack.console_url(), clerk)
    page.get_by_role("link", name="Import invoices").click()
    expect(page.get_by_role("heading", name="Import invoices")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Import file").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="office.csv: created 1")).to_be_visible()
    rejected = page.get_by_role("table", name="Rejected rows")
    expect(rejected.get_by_role("row").filter(has_text="account 0000000001 does not exist")).to_contain_text("3")
    assert_no_axe_violations(page)
    assert ops(stack, "invoice_service").get(f"/ops/accounts/{account}").status == 200


def test_a_large_import_shows_the_upload_s_progress_then_its_counts(page: Page, stack, tmp_path):
    clerk, account = new_staff(stack, "clerk"), unique_account()
    header = (
        "record,account,name,line1,line2,city,state,zip,account_type,status,comm_type,online_date,phone,email,"
        "invoice,date,due_date,amount,description,period_start,period_end,quantity,unit_price,tax"
    )
    invoices = [
        f"invoice,{account}" + "," * 13 + f"P{number:05d},2024-01-15,2024-02-15,54.00" + "," * 6
        for number in range(1500)
    ]
    account_row = (
        f'account,{account},"Import, Paula",1 Oak St,,Syracuse,NY,13204,Residential,Active,Digital,2020-01-01,555,'
        "p@example.com" + "," * 10
    )
    path = tmp_path / "large.csv"
    path.write_text("\n".join([header, account_row, *invoices]) + "\n")
    console_sign_in(page, stack.console_url(), clerk)
    page.goto(stack.console_url() + "import")
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    # about 60 kB/s up, so the upload of ~130 kB takes a couple of seconds and reports its progress
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 60_000},
    )
    page.evaluate(
        """() => { window.importStates = [];
        new MutationObserver(() => window.importStates.push(document.getElementById("import-state").textContent))
          .observe(document.getElementById("import-state"), {childList: true, characterData: true, subtree: true}); }"""
    )
    page.get_by_label("Import file").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="large.csv: created 1501")).to_be_visible(timeout=60_000)
    states = page.evaluate("window.importStates")
    sending = [int(state.removeprefix("Sending: ").rstrip("%")) for state in states if state.startswith("Sending: ")]
    assert any(0 < percent < 100 for percent in sending), states
    assert "Sent; importing…" in states, states


def test_a_viewer_reads_but_reaches_no_clerk_page_or_action(page: Page, stack):
    viewer, subscriber = new_staff(stack, "viewer"), create_subscriber(stack)
    console = stack.console_url()
    console_sign_in(page, console, viewer)
    expect(page.get_by_role("link", name="Import invoices")).to_have_count(0)
    page.goto(console + "import")
    expect(page.get_by_role("alert")).to_contain_text("needs the clerk role")
    assert_no_axe_violations(page)
    _find_account(page, console, subscriber.account)
    expect(page.get_by_role("button", name="Revoke access")).to_have_count(0)
    expect(page.get_by_role("button", name="Adjust")).to_have_count(0)
    # a form posted anyway (the CSRF token of this page) is refused by the console before any service is asked
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(console + f"accounts/{subscriber.account}/revoke", form={"csrf_token": token})
    assert answer.status == 403 and "needs the clerk role" in answer.text()
    status = ApiClient(stack.url("auth_service"), stack.staff_headers()).get(f"/ops/access/{subscriber.account}")
    assert status.json_body["active"] is True


def test_the_public_port_never_serves_the_console(page: Page, stack):
    public, console = stack.url(), stack.console_url()
    for path in ("/console/", "/console/sign-in", "/console/accounts", "/console/static/console.js"):
        assert urllib3.request("GET", public + path, retries=False, redirect=False).status == 404, path
    answer = page.goto(public + "/console/sign-in")
    assert answer.status == 404
    expect(page.get_by_label("Authenticator code")).to_have_count(0)
    assert urllib3.request("GET", console.replace("/console/", "/login"), retries=False).status == 404


def test_an_admin_reads_who_made_each_staff_account(page: Page, stack):
    admin, clerk = new_staff(stack, "admin"), new_staff(stack, "clerk")
    console_sign_in(page, stack.console_url(), admin)
    page.goto(f"{stack.console_url()}audit?kind=staff")
    assert_no_axe_violations(page)
    made = page.get_by_role("table").get_by_role("row").filter(has_text=clerk.username)
    expect(made.first).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row").filter(has_text=admin.username).first).to_be_visible()


def test_an_admin_adds_a_staff_member_who_signs_in_with_what_is_shown_once(
    page: Page, browser, browser_context_args, stack
):
    admin, username = new_staff(stack, "admin"), f"console-{unique_account()}"
    console = stack.console_url()
    console_sign_in(page, console, admin)
    page.get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Username").fill(username)
    page.get_by_role("group", name="Roles", exact=True).get_by_label("clerk").check()
    page.get_by_role("button", name="Add staff member").click()
    expect(page.get_by_role("status")).to_contain_text(f"Staff member {username} added")
    shown = page.get_by_role("region", name=f"Sign-in for {username}: shown only now")
    expect(shown.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_no_axe_violations(page)
    password, key = (text.inner_text() for text in shown.locator("code").all())
    page.reload()
    expect(page.get_by_text(password)).to_have_count(0)

    other = browser.new_context(**browser_context_args)
    try:
        member_page = other.new_page()
        console_sign_in(member_page, console, NewStaff(username, password, key))
        expect(member_page.get_by_role("link", name="Import invoices")).to_be_visible()
        expect(member_page.get_by_role("link", name="Staff accounts")).to_have_count(0)
    finally:
        other.close()

    row = page.get_by_role("row").filter(has_text=username)
    row.get_by_label("clerk").uncheck()
    row.get_by_label("viewer").check()
    row.get_by_role("button", name="Set roles").click()
    expect(page.get_by_role("status")).to_contain_text(f"Roles of {username} set")
    members = ops(stack, "auth_service").get("/ops/staff").json_body
    assert next(member["roles"] for member in members if member["username"] == username) == ["viewer"]
