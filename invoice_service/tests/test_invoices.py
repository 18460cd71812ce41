import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

CHARGES = [
    {
        "description": "Central station monitoring",
        "period_start": "2024-02-01",
        "period_end": "2024-02-29",
        "quantity": 1,
        "unit_price": "100.00",
        "tax": "8.00",
    }
]


def numbers(response):
    assert response.status_code == 200, response.json
    return [row["number"] for row in response.json["items"]]


def test_date_range_is_inclusive_at_both_ends(client, account, add_invoice, as_subscriber):
    before = add_invoice(account, "1.00", date="2023-12-31")
    first = add_invoice(account, "2.00", date="2024-01-01")
    last = add_invoice(account, "3.00", date="2024-01-31")
    after = add_invoice(account, "4.00", date="2024-02-01")
    found = numbers(client.get("/invoices?start=2024-01-01&end=2024-01-31", headers=as_subscriber(account)))
    assert found == [last, first]
    assert before not in found and after not in found


def test_open_lists_only_invoices_with_a_balance(client, ops, account, add_invoice, as_subscriber):
    open_one = add_invoice(account, "5.00", date="2024-03-01")
    paid_off = add_invoice(account, "6.00", date="2024-03-02")
    client.post(
        f"/ops/invoices/{paid_off}/adjustments", json={"amount": "-6.00", "reason": "courtesy credit"}, headers=ops
    )
    query = "/invoices?start=2024-01-01&end=2024-12-31"
    assert numbers(client.get(query + "&status=open", headers=as_subscriber(account))) == [open_one]
    all_rows = client.get(query + "&status=all", headers=as_subscriber(account)).json["items"]
    assert [(row["number"], row["status"], row["balance"]) for row in all_rows] == [
        (paid_off, "paid", "0.00"),
        (open_one, "open", "5.00"),
    ]


def test_pages_are_newest_first_without_gaps(client, account, add_invoice, as_subscriber):
    made = [add_invoice(account, "1.00", date=f"2024-04-{day:02d}") for day in range(1, 8)]
    query = "/invoices?start=2024-04-01&end=2024-04-30&per_page=3"
    pages = [client.get(f"{query}&page={page}", headers=as_subscriber(account)).json for page in (1, 2, 3, 4)]
    assert [page["total"] for page in pages] == [7] * 4 and pages[0]["pages"] == 3
    assert sum((numbers_of(page) for page in pages), []) == list(reversed(made))
    assert pages[3]["items"] == []


def numbers_of(page):
    return [row["number"] for row in page["items"]]


def test_default_range_is_the_last_24_months(client, account, add_invoice, as_subscriber):
    from datetime import date

    recent = add_invoice(account, "1.00", date=date.today().isoformat())
    add_invoice(account, "1.00", date="2019-01-01")
    assert numbers(client.get("/invoices", headers=as_subscriber(account))) == [recent]


@pytest.mark.parametrize(
    "query",
    [
        "start=2024-02-01&end=2024-01-01",
        "start=yesterday",
        "status=paid",
        "per_page=101",
        "per_page=0",
        "page=0",
        "page=x",
    ],
)
def test_bad_list_queries_are_422(client, account, as_subscriber, query):
    response = client.get(f"/invoices?{query}", headers=as_subscriber(account))
    assert response.status_code == 422 and response.json["error"]["message"]


def test_another_accounts_invoice_is_404_like_a_missing_one(client, account, add_invoice, as_subscriber, ops):
    other = client.post("/ops/accounts", json={"system_number": account + "9", "name": "Other"}, headers=ops)
    theirs = add_invoice(other.json["system_number"], "9.99")
    for suffix in ("", "/charges", "/payments", "/pdf"):
        stolen = client.get(f"/invoices/{theirs}{suffix}", headers=as_subscriber(account))
        missing = client.get(f"/invoices/NOPE123{suffix}", headers=as_subscriber(account))
        assert stolen.status_code == missing.status_code == 404
        assert stolen.json["error"]["code"] == missing.json["error"]["code"] == "not_found"
        assert stolen.json["error"]["message"].replace(theirs, "N") == missing.json["error"]["message"].replace(
            "NOPE123", "N"
        )
    emailed = client.post(f"/invoices/{theirs}/email", json={}, headers=as_subscriber(account))
    assert emailed.status_code == 404


def test_invoice_detail_and_charges_add_up(client, account, add_invoice, as_subscriber):
    number = add_invoice(account, "108.00", date="2024-02-15", charges=CHARGES)
    detail = client.get(f"/invoices/{number}", headers=as_subscriber(account)).json
    assert (detail["amount"], detail["charges_total"], detail["tax_total"], detail["paid_total"]) == (
        "108.00",
        "100.00",
        "8.00",
        "0.00",
    )
    charges = client.get(f"/invoices/{number}/charges", headers=as_subscriber(account)).json
    assert charges["items"] == [
        {
            "description": "Central station monitoring",
            "period_start": "2024-02-01",
            "period_end": "2024-02-29",
            "quantity": 1,
            "unit_price": "100.00",
            "amount": "100.00",
            "tax": "8.00",
        }
    ]
    assert (charges["subtotal"], charges["tax"], charges["total"]) == ("100.00", "8.00", "108.00")


def test_pdf_names_the_invoice_number_and_amount(client, account, add_invoice, as_subscriber, app):
    number = add_invoice(account, "108.00", date="2024-02-15", due_date="2024-03-15", charges=CHARGES)
    response = client.get(f"/invoices/{number}/pdf", headers=as_subscriber(account))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="invoice-{number}.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (
        number,
        "$108.00",
        "Central station monitoring",
        "Test, Subscriber",
        "02/15/2024",
        "03/15/2024",
        "Balance Due",
        app.config["COMPANY_NAME"],
        app.config["COMPANY_PHONE"],
    ):
        assert expected in text


def test_open_list_without_dates_is_every_open_invoice_and_adds_up_to_the_balance(
    client, ops, account, add_invoice, as_subscriber
):
    from datetime import date

    old = add_invoice(account, "108.00", date="2016-02-15")
    older = add_invoice(account, "107.95", date="2016-02-15")
    recent = add_invoice(account, "5.00", date=date.today().isoformat())
    paid_off = add_invoice(account, "6.00", date="2015-01-01")
    client.post(
        f"/ops/invoices/{paid_off}/adjustments", json={"amount": "-6.00", "reason": "courtesy credit"}, headers=ops
    )
    listed = client.get("/invoices?status=open", headers=as_subscriber(account))
    assert numbers(listed) == [recent, max(old, older), min(old, older)]
    balance = client.get("/account", headers=as_subscriber(account)).json["payment_status"]["outstanding_balance"]
    assert sum(Decimal(row["balance"]) for row in listed.json["items"]) == Decimal(balance) == Decimal("220.95")


@pytest.mark.parametrize(
    "query, expected",
    [("start=2016-01-01", ["new", "old"]), ("end=2016-12-31", ["old"]), ("start=2017-01-01&end=2017-12-31", [])],
)
def test_open_list_is_narrowed_by_the_dates_given(client, account, add_invoice, as_subscriber, query, expected):
    made = {
        "old": add_invoice(account, "1.00", date="2016-02-15"),
        "new": add_invoice(account, "1.00", date="2018-03-01"),
    }
    found = numbers(client.get(f"/invoices?status=open&{query}", headers=as_subscriber(account)))
    assert found == [made[name] for name in expected]
