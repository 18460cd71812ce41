"""flask --app notification_service resend / retry-dead / prune-deliveries, through the CLI runner."""

import uuid
from datetime import timedelta

from notification_helpers import receipt_job, running_worker, status_of
from sqlalchemy import update

from billpay_common.clock import utcnow
from notification_service.extensions import db
from notification_service.models import Delivery
from tests.support.waiting import wait_for


def test_retry_dead_command_queues_the_dead_letters_again(app, stream, send, inbox):
    to = f"{uuid.uuid4().hex[:12]}@example.com"
    inbox.refuse[to] = "550 5.1.1 No such user"
    job = send(receipt_job(to))
    with running_worker(app, stream):
        wait_for(lambda: status_of(app, job.event_id) == "dead", what="the dead letter")
        del inbox.refuse[to]
        result = app.test_cli_runner().invoke(args=["retry-dead"])
        assert result.exit_code == 0 and "Queued" in result.output
        wait_for(lambda: len(inbox.to(to)) == 1, what="delivery after retry-dead")


def test_resend_command_of_an_unknown_event_says_so(app, stream):
    result = app.test_cli_runner().invoke(args=["resend", "no-such-event"])
    assert result.exit_code != 0
    assert "No e-mail with event id no-such-event" in result.output


def test_prune_deliveries_drops_old_sent_emails_and_keeps_recent_ones_and_dead_letters(app, send, drain, inbox):
    old_sent, recent_sent, old_dead = (send(receipt_job(f"{uuid.uuid4().hex[:12]}@example.com")) for _ in range(3))
    inbox.refuse[old_dead.to] = "550 5.1.1 No such user"
    drain()
    _age(app, [old_sent.event_id, old_dead.event_id], days=91)

    result = app.test_cli_runner().invoke(args=["prune-deliveries", "--older-than-days", "90"])

    assert result.exit_code == 0 and "Removed 1 sent e-mail(s)" in result.output
    assert [status_of(app, job.event_id) for job in (old_sent, recent_sent, old_dead)] == [None, "sent", "dead"]


def test_a_running_worker_prunes_the_delivery_log(app, stream, send, drain):
    job = send(receipt_job(f"{uuid.uuid4().hex[:12]}@example.com"))
    drain()
    _age(app, [job.event_id], days=app.config["DELIVERY_LOG_RETENTION_DAYS"] + 1)
    with running_worker(app, stream):
        wait_for(lambda: status_of(app, job.event_id) is None, what="the old delivery to be pruned")


def _age(app, event_ids, days):
    with app.app_context():
        db.session.execute(
            update(Delivery).where(Delivery.event_id.in_(event_ids)).values(created_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()
