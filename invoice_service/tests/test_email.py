import base64
import json

import pytest

from billpay_common.queue import EMAIL_STREAM
from billpay_common.redis_client import connect
from invoice_service.extensions import redis_ext


def jobs_for(app, invoice):
    entries = redis_ext.client.xrange(app.config["REDIS_KEY_PREFIX"] + EMAIL_STREAM)
    found = [json.loads(fields[b"job"]) for _, fields in entries]
    return [job for job in found if job["data"].get("invoice") == invoice]


def test_email_queues_the_pdf_on_the_stream(app, client, account, add_invoice, as_subscriber):
    number = add_invoice(account, "42.50", date="2024-05-01", due_date="2024-05-31")
    response = client.post(
        f"/invoices/{number}/email", json={"email": "someone@example.com"}, headers=as_subscriber(account)
    )
    assert response.status_code == 202
    assert response.json == {"status": "queued", "email": "someone@example.com"}
    [job] = jobs_for(app, number)
    assert (job["type"], job["to"], job["account"]) == ("invoice.email", "someone@example.com", account)
    assert (job["data"]["amount"], job["data"]["balance"], job["data"]["due_date"]) == ("42.50", "42.50", "2024-05-31")
    assert job["data"]["filename"] == f"invoice-{number}.pdf"
    assert base64.b64decode(job["data"]["pdf_base64"]).startswith(b"%PDF")


def test_email_defaults_to_the_accounts_address(app, client, account, add_invoice, as_subscriber):
    number = add_invoice(account, "1.00")
    response = client.post(f"/invoices/{number}/email", json={}, headers=as_subscriber(account))
    assert response.status_code == 202 and response.json["email"] == "subscriber@example.com"
    assert [job["to"] for job in jobs_for(app, number)] == ["subscriber@example.com"]


@pytest.mark.parametrize("body", [{"email": "not-an-address"}, {"email": 5}, ["x"]])
def test_bad_email_request_is_422(client, account, add_invoice, as_subscriber, body):
    number = add_invoice(account, "1.00")
    assert client.post(f"/invoices/{number}/email", json=body, headers=as_subscriber(account)).status_code == 422


def test_email_when_redis_is_down_is_503_with_a_reason(app, client, account, add_invoice, as_subscriber):
    number = add_invoice(account, "1.00")
    redis = app.extensions["billpay_redis"]
    working, redis.client = redis.client, connect("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        response = client.post(f"/invoices/{number}/email", json={}, headers=as_subscriber(account))
    finally:
        redis.client = working
    assert response.status_code == 503
    assert "cannot be e-mailed right now" in response.json["error"]["message"]


def test_over_the_recipient_limit_nothing_is_queued_and_the_answer_says_when_it_resets(
    app, client, account, add_invoice, as_subscriber, monkeypatch
):
    monkeypatch.setitem(app.config, "EMAIL_DAILY_LIMIT_PER_RECIPIENT", 1)
    number = add_invoice(account, "1.00")
    address = f"limit-{number}@example.org"
    sent = client.post(f"/invoices/{number}/email", json={"email": address}, headers=as_subscriber(account))
    assert sent.status_code == 202
    again = client.post(f"/invoices/{number}/email", json={"email": address.upper()}, headers=as_subscriber(account))
    assert again.status_code == 429
    assert again.json["error"]["code"] == "email_limit_recipient"
    assert "The invoice was not sent. The limit resets at 00:00 UTC on" in again.json["error"]["message"]
    assert [job["to"] for job in jobs_for(app, number)] == [address]


def test_an_invoice_to_another_address_queues_a_notice_to_the_accounts_own(
    app, client, account, add_invoice, as_subscriber
):
    number = add_invoice(account, "1.00")
    client.post(f"/invoices/{number}/email", json={"email": "elsewhere@example.org"}, headers=as_subscriber(account))
    entries = redis_ext.client.xrange(app.config["REDIS_KEY_PREFIX"] + EMAIL_STREAM)
    notices = [json.loads(fields[b"job"]) for _, fields in entries]
    [notice] = [job for job in notices if job["type"] == "sent.elsewhere" and job["account"] == account]
    assert notice["to"] == "subscriber@example.com"
    assert (notice["data"]["document"], notice["data"]["sent_to"]) == (f"invoice {number}", "elsewhere@example.org")
