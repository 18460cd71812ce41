"""flask --app notification_service resend / retry-dead, through the CLI runner."""
import uuid

from notification_helpers import receipt_job, running_worker, status_of, wait_for


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
