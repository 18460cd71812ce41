"""Real worker processes (`flask --app notification_service worker`) killed, stopped and run side by side."""

import signal
import subprocess
import uuid

import pytest
from held_smtp import HeldSmtp
from notification_helpers import receipt_job, status_of

from tests.support.waiting import wait_for


@pytest.fixture
def held_smtp(app):
    """The test's SMTP server behind a link that holds each connection until the test releases it."""
    held = HeldSmtp(app.config["SMTP_URL"])
    yield held
    held.close()


def test_worker_killed_before_acknowledging_is_replaced_and_one_email_arrives(
    app, stream, send, spawn_worker, inbox, held_smtp
):
    to = f"{uuid.uuid4().hex[:12]}@example.com"
    # It claims the job, then waits on an SMTP server that does not answer (for longer than the test runs).
    stalled = spawn_worker(SMTP_URL=held_smtp.url, SMTP_TIMEOUT_SECONDS=600)
    job = send(receipt_job(to))
    wait_for(lambda: status_of(app, job.event_id) == "sending", what="the first worker to claim the job")
    wait_for(held_smtp.connected.is_set, what="the first worker to be mid-send")
    stalled.send_signal(signal.SIGKILL)
    assert stalled.wait(timeout=10) == -signal.SIGKILL
    assert stream.client.xpending(stream.key, stream.group)["pending"] == 1

    spawn_worker()
    wait_for(lambda: status_of(app, job.event_id) == "sent", what="another worker to deliver it")
    wait_for(lambda: stream.client.xpending(stream.key, stream.group)["pending"] == 0, what="the acknowledgement")
    assert len(inbox.to(to)) == 1


def test_sigterm_finishes_the_job_in_hand_then_exits(app, stream, send, spawn_worker, inbox, held_smtp):
    to = f"{uuid.uuid4().hex[:12]}@example.com"
    worker = spawn_worker(SMTP_URL=held_smtp.url)
    job = send(receipt_job(to))
    wait_for(lambda: status_of(app, job.event_id) == "sending", what="the worker to claim the job")
    wait_for(held_smtp.connected.is_set, what="the worker to be mid-send")
    worker.send_signal(signal.SIGTERM)
    with pytest.raises(subprocess.TimeoutExpired):
        worker.wait(timeout=0.5)  # it does not leave with a job in hand
    held_smtp.release()  # only now can the send in hand go through
    assert worker.wait(timeout=15) == 0
    assert status_of(app, job.event_id) == "sent"
    assert len(inbox.to(to)) == 1
    assert stream.client.xpending(stream.key, stream.group)["pending"] == 0


def test_three_workers_on_300_jobs_send_300_emails_and_no_duplicate(app, stream, send, spawn_worker, inbox):
    domain = f"{uuid.uuid4().hex[:8]}.example.com"
    workers = [spawn_worker() for _ in range(3)]
    jobs = [receipt_job(f"r{number}@{domain}", payment_id=f"P-{number}") for number in range(300)]
    with stream.client.pipeline(transaction=False) as pipe:
        for job in jobs + jobs[::7]:  # some jobs twice, as an at-least-once publisher may do
            pipe.xadd(stream.key, {"job": job.to_json()})
        pipe.execute()
    wait_for(lambda: len(inbox.to_domain(domain)) >= 300, timeout=90, what="300 e-mails")
    wait_for(
        lambda: stream.client.xpending(stream.key, stream.group)["pending"] == 0 and not _waiting(stream),
        what="every job acknowledged",
    )
    delivered = inbox.to_domain(domain)
    assert len(delivered) == 300
    assert len({message["Message-ID"] for message in delivered}) == 300
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    assert [worker.wait(timeout=15) for worker in workers] == [0, 0, 0]


def _waiting(stream):
    waiting, _, _ = stream.depth()
    return waiting
