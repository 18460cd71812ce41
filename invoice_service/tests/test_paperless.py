"""Paperless billing: the subscriber's (or the office's) choice, and one e-mail with the PDF per new invoice."""

import base64

from test_email import jobs_for
from test_import import HEADER, invoice_row, write

from billpay_common.redis_client import connect
from invoice_service import paperless
from invoice_service.extensions import db
from invoice_service.models import PaperlessDelivery


def go_paperless(client, account, as_subscriber, on=True):
    response = client.put("/account/paperless", json={"paperless": on}, headers=as_subscriber(account))
    assert response.status_code == 200, response.json
    return response.json


def test_paperless_is_off_until_the_subscriber_opts_in(client, account, as_subscriber):
    assert client.get("/account", headers=as_subscriber(account)).json["profile"]["paperless"] is False
    assert go_paperless(client, account, as_subscriber)["profile"]["paperless"] is True


def test_a_new_invoice_of_a_paperless_account_is_e_mailed_once_with_its_pdf(
    app, client, account, add_invoice, as_subscriber
):
    go_paperless(client, account, as_subscriber)
    number = add_invoice(account, "54.00", date="2024-05-01", due_date="2024-05-31")
    [job] = jobs_for(app, number)
    assert (job["type"], job["to"], job["event_id"]) == (
        "invoice.email",
        "subscriber@example.com",
        f"paperless-{number}",
    )
    assert base64.b64decode(job["data"]["pdf_base64"]).startswith(b"%PDF")
    with app.app_context():
        assert paperless.send_pending() == 0
    assert len(jobs_for(app, number)) == 1


def test_no_e_mail_without_the_choice_or_after_opting_out(app, client, account, add_invoice, as_subscriber):
    before = add_invoice(account, "10.00")
    go_paperless(client, account, as_subscriber)
    go_paperless(client, account, as_subscriber, on=False)
    after = add_invoice(account, "11.00")
    assert jobs_for(app, before) == [] and jobs_for(app, after) == []


def test_the_office_sees_and_sets_the_choice_with_its_name(client, account, ops):
    changed = client.patch(f"/ops/accounts/{account}", json={"paperless": True}, headers=ops)
    assert changed.status_code == 200
    assert changed.json["paperless"] is True and changed.json["paperless_set_by"] == "staff:tester"
    assert client.get(f"/ops/accounts/{account}", headers=ops).json["profile"]["paperless"] is True
    assert client.patch(f"/ops/accounts/{account}", json={"paperless": "maybe"}, headers=ops).status_code == 422


def test_imported_invoices_are_e_mailed_once_even_when_imported_again(
    app, client, account, as_subscriber, runner, tmp_path
):
    go_paperless(client, account, as_subscriber)
    numbers = ["P" + account + suffix for suffix in "AB"]
    path = write(tmp_path, "paperless.csv", [HEADER] + [invoice_row(number, account) for number in numbers])
    assert runner.invoke(args=["import", path]).exit_code == 0
    assert runner.invoke(args=["import", path]).exit_code == 0
    assert [len(jobs_for(app, number)) for number in numbers] == [1, 1]


def test_with_redis_down_the_invoice_is_made_and_its_e_mail_waits(
    app, client, account, add_invoice, as_subscriber, runner
):
    go_paperless(client, account, as_subscriber)
    redis = app.extensions["billpay_redis"]
    working, redis.client = redis.client, connect("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        number = add_invoice(account, "12.00")
    finally:
        redis.client = working
    assert jobs_for(app, number) == []
    with app.app_context():
        assert db.session.get(PaperlessDelivery, number).queued_at is None
    result = runner.invoke(args=["paperless-send"])
    assert result.exit_code == 0, result.output
    assert len(jobs_for(app, number)) == 1
