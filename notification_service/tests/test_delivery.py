"""A worker against the real Redis stream and a real SMTP server (aiosmtpd), in this process."""

import base64
import uuid

from notification_helpers import receipt_job, running_worker, smtp_server, status_of

from billpay_common.queue import EmailJob
from devtools.ports import free_port
from notification_service import services
from tests.support.waiting import wait_for


def address():
    return f"{uuid.uuid4().hex[:12]}@example.com"


def test_receipt_job_sends_one_message_with_both_parts_and_the_figures(app, send, drain, inbox):
    to = address()
    job = send(receipt_job(to))
    drain()
    [message] = inbox.to(to)
    assert "P-1001" in message["Subject"]
    assert message["Message-ID"] == f"<{job.event_id}@dss.example>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        for figure in (
            "P-1001",
            "02/15/2016",
            "$215.95",
            "528132",
            "$108.00",
            "528131",
            "$107.95",
            "Visa ending in 1111",
            "99939999",
            "Dean Smith Security",
        ):
            assert figure in part
    assert "Jones, Michael *Test Account*" in text
    assert status_of(app, job.event_id) == "sent"


def test_the_same_job_delivered_twice_sends_one_email(app, send, drain, inbox):
    to = address()
    job = send(receipt_job(to))
    send(job)
    drain()
    send(job)
    drain()
    assert len(inbox.to(to)) == 1


def test_a_job_taken_over_while_its_holder_still_looks_alive_is_not_dropped(app, stream, send, inbox):
    """The holder read the entry, claimed the job late (a slow database), then stopped before sending it: the
    entry goes idle before the claim does, and the worker taking the entry over must keep it until it can send."""
    to = address()
    job = send(receipt_job(to))
    stream.ensure_group()
    [(entry_id, payload)] = stream.read("stalled-worker", 1, None)
    wait_for(lambda: _idle_ms(stream, entry_id) >= 1000, what="the entry to look abandoned")
    with app.app_context():
        assert services.claim([(job, payload.decode())], "stalled-worker", 1.0).taken == {job.event_id}

    with running_worker(app, stream):
        wait_for(lambda: inbox.to(to), what="the e-mail, once the stalled claim went stale")
        wait_for(lambda: stream.client.xpending(stream.key, stream.group)["pending"] == 0, what="the acknowledgement")
    assert len(inbox.to(to)) == 1
    assert status_of(app, job.event_id) == "sent"


def _idle_ms(stream, entry_id):
    [pending] = stream.client.xpending_range(stream.key, stream.group, entry_id, entry_id, 1)
    return pending["time_since_delivered"]


def test_html_part_escapes_what_the_job_carries(send, drain, inbox):
    to = address()
    send(receipt_job(to, account_name="<script>alert(1)</script>"))
    drain()
    html = inbox.to(to)[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_invoice_email_carries_the_pdf(send, drain, inbox):
    to, pdf = address(), b"%PDF-1.4 test invoice"
    send(
        EmailJob(
            type="invoice.email",
            to=to,
            account="99939999",
            data={
                "invoice": "528132",
                "date": "2016-02-15",
                "due_date": "2016-03-01",
                "amount": "108.00",
                "balance": "108.00",
                "account": "99939999",
                "account_name": "Jones, Michael",
                "filename": "invoice-528132.pdf",
                "pdf_base64": base64.b64encode(pdf).decode(),
            },
        )
    )
    drain()
    [message] = inbox.to(to)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice-528132.pdf"
    assert attachment.get_content() == pdf
    assert "$108.00" in message.get_body(("plain",)).get_content()


def test_malformed_address_is_a_dead_letter_at_once(app, send, drain, inbox):
    job = send(receipt_job("not an address"))
    drain()
    assert status_of(app, job.event_id) == "dead"
    assert inbox.to("not an address") == []


def test_smtp_down_then_up_is_retried_and_delivered_once(app, stream, send):
    port = free_port()
    to = address()
    job = send(receipt_job(to))
    with running_worker(app, stream, f"smtp://127.0.0.1:{port}"):
        wait_for(lambda: status_of(app, job.event_id) == "retrying", what="a retry to be scheduled")
        with smtp_server(port) as (inbox, _):
            wait_for(lambda: status_of(app, job.event_id) == "sent", what="the retry to be delivered")
            assert len(inbox.to(to)) == 1
    with app.app_context():
        assert services.get(job.event_id).attempts == 2


def test_smtp_still_down_after_the_last_retry_is_a_dead_letter(app, stream, send):
    job = send(receipt_job(address()))
    with running_worker(app, stream, f"smtp://127.0.0.1:{free_port()}"):
        wait_for(lambda: status_of(app, job.event_id) == "dead", what="the dead letter")
    with app.app_context():
        delivery = services.get(job.event_id)
        assert delivery.attempts == 3  # the first try and both retries
        assert "unreach" in delivery.last_error or "cannot reach" in delivery.last_error


def test_temporary_refusal_4xx_is_retried(app, stream, send, inbox):
    to = address()
    inbox.refuse[to] = "451 4.3.0 Try again later"
    job = send(receipt_job(to))
    with running_worker(app, stream):
        wait_for(lambda: status_of(app, job.event_id) == "retrying", what="a retry")
        del inbox.refuse[to]
        wait_for(lambda: status_of(app, job.event_id) == "sent", what="delivery")
    assert len(inbox.to(to)) == 1


def test_permanent_failure_is_dead_then_ops_retry_delivers(app, stream, send, inbox, client, ops):
    to = address()
    inbox.refuse[to] = "550 5.1.1 No such user"
    job = send(receipt_job(to))
    with running_worker(app, stream):
        wait_for(lambda: status_of(app, job.event_id) == "dead", what="the dead letter")
        dead = client.get("/ops/deliveries?status=dead&limit=1000", headers=ops).get_json()
        assert job.event_id in [row["event_id"] for row in dead]
        assert inbox.to(to) == []
        del inbox.refuse[to]
        response = client.post("/ops/deliveries/retry-dead", headers=ops)
        assert response.status_code == 202
        assert job.event_id in response.get_json()["event_ids"]
        wait_for(lambda: status_of(app, job.event_id) == "sent", what="delivery after the ops retry")
    assert len(inbox.to(to)) == 1
