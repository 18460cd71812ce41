"""The user guide's walkthrough on the demo account 99939999, in Chromium, with a screenshot of every step.

This is the only test that pays the demo account's invoices; it refunds its payment through the office's API
afterwards so that the demo account is as seeded again for whatever runs next on the same stack.
"""

import io
import re
import uuid
from datetime import date

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from devtools.api_client import ApiClient  # noqa: E402
from tests.support.accounts import DEMO_ACCOUNT as DEMO  # noqa: E402
from tests.support.accounts import ops
from tests.support.cards import CARD_CODE, VISA, in_groups  # noqa: E402
from tests.support.chromium_portal import account_menu, enter_card, logout, words  # noqa: E402
from tests.support.mail import pdf_attachments, plain_text, wait_for_mail  # noqa: E402

NEXT_YEAR = str(date.today().year + 1)

pytestmark = pytest.mark.browser


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def refund_afterwards(stack):
    """Payment ids the test made on the demo account; each is refunded (balances restored) when it ends."""
    made = []
    yield made
    office = ops(stack, "payment_service")
    for payment_id in made:
        refunded = office.post(f"/ops/payments/{payment_id}/refund", {})
        assert refunded.status == 200, refunded.json_body
    if made:
        token = (
            ApiClient(stack.url("auth_service"))
            .post("/auth/login", {"username": DEMO, "password": stack.env["DEMO_PASSCODE"]})
            .json_body["access_token"]
        )
        account = ApiClient(stack.url("invoice_service")).get("/account", headers={"Authorization": f"Bearer {token}"})
        assert account.json_body["payment_status"]["outstanding_balance"] == "215.95", account.json_body


def test_guide_walkthrough_from_login_to_payment_receipt_and_logout(page, stack, screenshots, refund_afterwards):
    step = iter(range(1, 100))

    def shot(name):
        page.screenshot(path=screenshots / f"{next(step):02d}-{name}.png", full_page=True)

    # Login
    page.goto("/login")
    page.get_by_label("Username").fill(DEMO)
    page.get_by_label("Password").fill(stack.env["DEMO_PASSCODE"])
    shot("login")
    page.get_by_role("button", name="Login").click()

    # Billing: Account Summary and Payment Status
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Welcome Michael Jones - {DEMO}")).to_be_visible()
    summary = page.get_by_role("region", name="Account Summary")
    for expected in (f"System #: {DEMO}", "Jones, Michael *Test Account*", "123 Main Street", "Syracuse, NY 13204"):
        assert expected in words(summary)
    expect(page.locator("#outstanding-balance")).to_have_text("$215.95")
    expect(page.locator("#payment-due")).to_have_text("$215.95")
    shot("billing")

    # View Invoices with a date range, then List Open Invoices
    page.get_by_role("region", name="Payment Status").get_by_role("link", name="View Invoices").click()
    page.get_by_label("Start Date").fill("1990-01-01")
    page.get_by_label("End Date").fill("2020-01-01")
    page.get_by_role("button", name="List All Invoices").click()
    expect(page.get_by_role("heading", name="View Invoices")).to_be_visible()
    numbers = page.locator('td[data-label="Invoice Number"]').all_inner_texts()
    assert numbers == ["528132", "528131", "524001", "519870"]
    shot("view-invoices")
    page.get_by_role("button", name="List Open Invoices").click()
    expect(page.get_by_role("heading", name="View Open Invoices")).to_be_visible()
    assert page.locator('td[data-label="Invoice Number"]').all_inner_texts() == ["528132", "528131"]
    shot("open-invoices")

    # Charges and Payments of an invoice
    page.get_by_role("link", name="Charges on invoice 528132").click()
    expect(page.get_by_role("heading", name="Charges on invoice 528132")).to_be_visible()
    assert "Central station monitoring" in words(page.locator("table.charges"))
    assert "Total $108.00" in words(page.locator("main"))
    shot("charges")
    page.goto("/invoices?start=1990-01-01&end=2020-01-01&status=all")
    page.get_by_role("link", name="Payments on invoice 524001").click()
    expect(page.get_by_role("heading", name="Payments on invoice 524001")).to_be_visible()
    assert "Visa ending 1111" in words(page.locator("table.applied-payments"))
    shot("payments")

    # View opens the PDF in the browser; its bytes are read back (same session) to check the document itself
    page.goto("/invoices?start=1990-01-01&end=2020-01-01&status=open")
    with page.expect_response(re.compile(r"/invoices/528132/pdf$")) as opened:
        page.get_by_role("link", name="View invoice 528132 (PDF)").click()
    assert opened.value.status == 200 and opened.value.headers["content-type"] == "application/pdf"
    assert 'filename="invoice-528132.pdf"' in opened.value.headers["content-disposition"]
    pdf = page.request.get(page.url)  # headless Chromium's viewer screenshots blank: keep the document instead
    assert pdf.headers["content-type"] == "application/pdf"
    (screenshots / f"{next(step):02d}-invoice-528132.pdf").write_bytes(pdf.body())
    assert "528132" in pdf_text(pdf.body())
    page.go_back()

    # Email queues it; the message reaches the SMTP server with the PDF attached
    address = f"walkthrough-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_role("link", name="Email invoice 528132").click()
    page.get_by_label("E-mail address").fill(address)
    shot("email-invoice")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invoice 528132 was queued for e-mail to {address}")
    shot("email-queued")
    message = wait_for_mail(stack.mail_dir, lambda m: m["To"] == address)
    assert "528132" in message["Subject"]
    attached = pdf_attachments(message)
    assert len(attached) == 1
    assert "528132" in pdf_text(attached[0].get_content())

    # Make A Payment: untick 528131, pay 50.00 of 528132, Update, Continue
    account_menu(page, "Make A Payment")
    expect(page.get_by_role("heading", name="Enter Payment Amounts")).to_be_visible()
    page.get_by_label("Pay invoice 528131").uncheck()
    page.get_by_label("Payment Amount for invoice 528132").fill("50.00")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("#payment-total")).to_have_text("$50.00")
    shot("payment-amounts")
    page.get_by_role("button", name="Continue").click()

    # Select the one-time credit card, enter a test Visa, Submit Payment
    expect(page.get_by_role("heading", name="Select Payment Method")).to_be_visible()
    expect(page.locator("#total-payments")).to_have_text("$50.00")
    shot("payment-method")
    page.get_by_role("link", name="Select Credit Card, one time credit card payment").click()
    expect(page.get_by_role("heading", name="Pay With Credit Card")).to_be_visible()
    receipt_to = f"receipt-{uuid.uuid4().hex[:8]}@example.com"
    enter_card(page, in_groups(VISA), 12, int(NEXT_YEAR), CARD_CODE)
    page.get_by_label("Send receipt to the following email address").fill(receipt_to)
    shot("credit-card")
    page.get_by_role("button", name="Submit Payment").click()

    # Confirmation
    expect(page.get_by_role("heading", name="Thank you: your payment was received")).to_be_visible()
    confirmation = page.locator("#confirmation-number").inner_text().strip()
    refund_afterwards.append(confirmation)
    assert confirmation
    expect(page.locator("#payment-amount")).to_have_text("$50.00")
    assert "Visa ending 4242" in words(page.locator("main"))
    assert "Invoice # 528132 $50.00" in words(page.locator("main"))
    shot("confirmation")

    # Billing shows the new balance
    account_menu(page, "Billing")
    expect(page.locator("#outstanding-balance")).to_have_text("$165.95")
    expect(page.locator("#last-payment")).to_contain_text("$50.00")
    shot("billing-after-payment")

    # The receipt arrives with the right figures
    receipt = wait_for_mail(stack.mail_dir, lambda m: m["To"] == receipt_to)
    assert confirmation in receipt["Subject"]
    body = plain_text(receipt)
    for expected in (
        f"Confirmation Number: {confirmation}",
        f"Account: {DEMO}",
        "Card: Visa ending in 4242",
        "Total: $50.00",
        "Invoice 528132: $50.00",
    ):
        assert expected in body
    assert "528131" not in body and VISA not in receipt.as_string()

    # Logout
    logout(page)
    expect(page.get_by_role("status")).to_have_text("You have logged out.")
    shot("logged-out")
    page.goto("/billing")
    expect(page.get_by_role("heading", name="Login")).to_be_visible()
