"""Paperless billing on the whole stack: opted in through the public API, a new invoice from the office arrives
once in the mailbox with its PDF; an account that did not opt in gets nothing."""

from devtools.api_client import ApiClient
from tests.support.accounts import create_subscriber, invoice, ops
from tests.support.mail import messages, pdf_attachments, plain_text, wait_for_mail


def test_a_paperless_accounts_new_invoice_is_e_mailed_once_with_its_pdf(stack):
    subscriber, other = create_subscriber(stack, ()), create_subscriber(stack, ())
    api = ApiClient(stack.url(), subscriber.bearer())
    opted = api.request("PUT", "/api/account/paperless", {"paperless": True})
    assert opted.status == 200 and opted.json_body["profile"]["paperless"] is True, opted.data
    office = ops(stack, "invoice_service")
    mine, theirs = invoice(subscriber.account, "47.25"), invoice(other.account, "12.00")
    for body in (mine, theirs):
        made = office.post("/ops/invoices", body)
        assert made.status == 201, made.data

    message = wait_for_mail(stack.mail_dir, lambda m: m["To"] == subscriber.email and mine["number"] in m["Subject"])
    [pdf] = pdf_attachments(message)
    assert pdf.get_content().startswith(b"%PDF") and "$47.25" in plain_text(message)
    assert office.post("/ops/invoices", mine).status == 409  # the same invoice again is refused, and not re-sent
    invoices_mailed = [m for m in messages(stack.mail_dir) if m["Subject"].startswith("Invoice ")]
    assert [m["To"] for m in invoices_mailed if m["To"] in (subscriber.email, other.email)] == [subscriber.email]
