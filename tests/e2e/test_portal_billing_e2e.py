"""Billing, View Invoices and the invoice pages as a browser without JavaScript sees them (real HTTP, real stack).

Read-only on the demo account 99939999, whose invoices must stay unpaid for the browser walkthrough.
"""

import re
from decimal import Decimal
from html import unescape

import pytest

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import DEMO_ACCOUNT as DEMO
from tests.support.accounts import NewInvoice, create_subscriber


@pytest.fixture(scope="module")
def browser(stack, demo_passcode):
    browser = PortalBrowser(stack.url())
    assert browser.login(DEMO, demo_passcode).status == 302
    return browser


def text(page):
    """The page's visible words, tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.text)))


def invoice_numbers(page):
    return re.findall(r'data-label="Invoice Number">([^<]+)<', page.text)


def test_billing_shows_account_summary_and_payment_status_of_the_guide(browser):
    page = browser.request("GET", "/billing")
    assert page.status == 200
    words = text(page)
    for expected in (
        "Account Summary",
        "System #: 99939999",
        "Jones, Michael *Test Account*",
        "123 Main Street",
        "Syracuse, NY 13204",
        "Account Type: Residential",
        "Active",
        "Digital",
        "06/05/2013",
        "8253",
        "Payment Status",
        "Outstanding Balance $215.95",
        "Payment Due $215.95",
    ):
        assert expected in words
    for link in ("View Invoices", "View Open Invoices", "Make A Payment"):
        assert f">{link}</a>" in page.text
    assert "style=" not in page.text and "onclick" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_view_invoices_lists_all_invoices_of_the_range_newest_first(browser):
    page = browser.request("GET", "/invoices?start=1990-01-01&end=2020-01-01&status=all")
    assert page.status == 200
    numbers = invoice_numbers(page)
    assert numbers[:2] == ["528132", "528131"] and set(numbers) >= {"519870", "524001"}
    words = text(page)
    assert "528132 02/15/2016 108.00 108.00" in words
    assert "519870 11/15/2015 108.00 0.00" in words
    for link in ("charges", "payments", "email", "pdf"):
        assert f'href="/invoices/528132/{link}"' in page.text


def test_view_open_invoices_lists_only_open_ones(browser):
    page = browser.request("GET", "/invoices?start=1990-01-01&end=2020-01-01&status=open")
    assert page.status == 200 and "View Open Invoices" in page.text
    assert sorted(invoice_numbers(page)) == ["528131", "528132"]


def link_of(page, words):
    return unescape(re.search(rf'href="([^"]+)">{re.escape(words)}</a>', page.text).group(1))


def listed_balance(page):
    return sum(
        Decimal(cell.replace(",", "")) for cell in re.findall(r'data-label="Balance" class="money">([^<]+)<', page.text)
    )


def test_view_open_invoices_from_billing_lists_every_open_invoice_adding_up_to_the_balance(browser):
    billing = browser.request("GET", "/billing")
    balance = Decimal(re.search(r'id="outstanding-balance">\$([^<]+)<', billing.text).group(1).replace(",", ""))
    page = browser.request("GET", link_of(billing, "View Open Invoices"))
    assert page.status == 200 and "<h1>View Open Invoices</h1>" in page.text
    assert invoice_numbers(page) == ["528132", "528131"]  # dated 2016-02-15, long before the last 24 months
    assert listed_balance(page) == balance == Decimal("215.95")


def test_list_open_invoices_from_the_default_view_is_not_narrowed_to_its_default_range(browser):
    view = browser.request("GET", link_of(browser.request("GET", "/billing"), "View Invoices"))
    typed = dict(re.findall(r'<input type="date" id="(start|end)" name="(?:start|end)" value="([^"]*)"', view.text))
    assert typed == {"start": "", "end": ""}  # a blank field means "no limit" for open invoices
    page = browser.request("GET", f"/invoices?start={typed['start']}&end={typed['end']}&status=open")
    assert invoice_numbers(page) == ["528132", "528131"] and listed_balance(page) == Decimal("215.95")


def test_open_invoices_api_without_dates_adds_up_to_the_outstanding_balance(gateway, demo_passcode):
    token = gateway.post("/api/auth/login", {"username": DEMO, "password": demo_passcode}).json_body["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    listed = gateway.get("/api/invoices?status=open", headers=bearer)
    assert listed.status == 200
    assert [row["number"] for row in listed.json_body["items"]] == ["528132", "528131"]
    account = gateway.get("/api/account", headers=bearer).json_body
    assert (
        sum(Decimal(row["balance"]) for row in listed.json_body["items"])
        == Decimal(account["payment_status"]["outstanding_balance"])
        == Decimal("215.95")
    )


def test_empty_range_says_so(browser):
    page = browser.request("GET", "/invoices?start=1990-01-01&end=1990-12-31")
    assert page.status == 200
    assert "No invoices in this date range." in page.text and invoice_numbers(page) == []


def test_start_after_end_is_refused_next_to_the_field(browser):
    page = browser.request("GET", "/invoices?start=2016-12-31&end=2016-01-01")
    assert page.status == 400
    assert 'id="start-error"' in page.text and "must be on or before the End Date" in page.text


def test_pagination_links_keep_the_range(stack):
    days = [f"2015-{month:02d}-{day:02d}" for month in range(1, 10) for day in (1, 11, 21)]  # 27 invoices
    invoices = [NewInvoice("10.00", day, day, f"-{n:02d}", charged=False) for n, day in enumerate(days)]
    subscriber = create_subscriber(stack, invoices, billing_name="Payer, Pat").portal()
    first = subscriber.request("GET", "/invoices?start=2015-01-01&end=2015-12-31&status=all")
    assert first.status == 200 and "Page 1 of 2" in text(first)
    assert invoice_numbers(first)[0] == f"{subscriber.account}-26" and len(invoice_numbers(first)) == 25
    next_link = unescape(re.search(r'href="([^"]+)" rel="next"', first.text).group(1))
    assert "start=2015-01-01" in next_link and "end=2015-12-31" in next_link and "page=2" in next_link
    second = subscriber.request("GET", next_link)
    assert invoice_numbers(second) == [f"{subscriber.account}-01", f"{subscriber.account}-00"]
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_charges_show_line_items_and_totals(browser):
    page = browser.request("GET", "/invoices/528131/charges")
    assert page.status == 200
    words = text(page)
    assert "Cellular communicator service" in words and "03/01/2016 – 03/31/2016" in words
    assert "99.95" in words and "Total $107.95" in words and "Balance $107.95" in words


def test_payments_of_a_paid_invoice_show_date_amount_card_and_id(browser):
    page = browser.request("GET", "/invoices/524001/payments")
    assert page.status == 200
    words = text(page)
    assert "01/12/2016" in words and "108.00" in words and "Visa ending 1111" in words
    assert "demo-payment-2016-01" in words


def test_view_streams_the_pdf_inline(browser):
    response = browser.request("GET", "/invoices/528132/pdf")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="invoice-528132.pdf"'
    assert response.data.startswith(b"%PDF")


def test_another_accounts_or_unknown_invoice_is_not_found(browser):
    for path in (
        "/invoices/NOPE-1/charges",
        "/invoices/NOPE-1/payments",
        "/invoices/NOPE-1/pdf",
        "/invoices/NOPE-1/email",
    ):
        assert browser.request("GET", path).status == 404


def test_email_form_is_prefilled_and_posting_queues_it(browser):
    form = browser.request("GET", "/invoices/528132/email")
    assert form.status == 200
    assert 'value="michael.jones@example.com"' in form.text
    token = PortalBrowser.csrf_of(form)
    sent = browser.request("POST", "/invoices/528132/email", {"csrf_token": token, "email": "owner@example.org"})
    assert sent.status == 302
    shown = browser.request("GET", sent.headers["Location"])
    assert "Invoice 528132 was queued for e-mail to owner@example.org" in shown.text


def test_email_to_a_bad_address_is_refused_next_to_the_field(browser):
    form = browser.request("GET", "/invoices/528132/email")
    token = PortalBrowser.csrf_of(form)
    page = browser.request("POST", "/invoices/528132/email", {"csrf_token": token, "email": "not-an-address"})
    assert page.status == 400 and 'id="email-error"' in page.text


def test_pages_need_a_login(stack):
    anonymous = PortalBrowser(stack.url())
    for path in ("/billing", "/invoices", "/invoices/528132/pdf", "/pay", "/payments", "/profiles"):
        response = anonymous.request("GET", path)
        assert response.status == 302 and "/login" in response.headers["Location"]
