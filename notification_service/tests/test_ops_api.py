"""The accounting office's endpoints: staff tokens and roles, the delivery log, resend, /metrics."""

import uuid

import pytest
from notification_helpers import receipt_job, running_worker, status_of

from devtools.testing import unique_account
from tests.support.waiting import wait_for


@pytest.fixture
def delivered(app, send, drain):
    account = unique_account()
    job = send(receipt_job(f"{uuid.uuid4().hex[:12]}@example.com", account=account))
    drain()
    return job


@pytest.mark.parametrize(
    "headers, status",
    [({}, 401), ({"Authorization": "Bearer not-a-token"}, 401), ({"X-Ops-Key": "the-old-shared-key"}, 401)],
)
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/ops/deliveries"),
        ("get", "/ops/deliveries/x"),
        ("post", "/ops/deliveries/x/resend"),
        ("post", "/ops/deliveries/retry-dead"),
    ],
)
def test_ops_endpoints_need_a_staff_token(client, method, path, headers, status):
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in ("missing_token", "invalid_token")


def test_a_viewer_reads_the_log_but_cannot_resend(client, staff_headers, delivered):
    viewer = staff_headers("viewer-vi", "viewer")
    assert client.get(f"/ops/deliveries/{delivered.event_id}", headers=viewer).status_code == 200
    refused = client.post(f"/ops/deliveries/{delivered.event_id}/resend", headers=viewer)
    assert refused.status_code == 403 and "clerk role" in refused.get_json()["error"]["message"]


def test_delivery_log_by_account_event_id_and_status(client, ops, delivered):
    by_account = client.get(f"/ops/deliveries?account={delivered.account}", headers=ops).get_json()
    assert [row["event_id"] for row in by_account] == [delivered.event_id]
    assert by_account[0]["status"] == "sent" and by_account[0]["to"] == delivered.to
    assert "payload" not in by_account[0]
    by_event = client.get(f"/ops/deliveries?event_id={delivered.event_id}", headers=ops).get_json()
    assert by_event == by_account
    sent = client.get("/ops/deliveries?status=sent&limit=1000", headers=ops).get_json()
    assert delivered.event_id in [row["event_id"] for row in sent]
    assert client.get(f"/ops/deliveries/{delivered.event_id}", headers=ops).get_json()["attempts"] == 1


@pytest.mark.parametrize("query", ["status=lost", "limit=0", "limit=5000", "account=" + "9" * 21])
def test_bad_log_query_is_422_with_the_field(client, ops, query):
    response = client.get(f"/ops/deliveries?{query}", headers=ops)
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["error"]["fields"]


def test_unknown_event_is_404(client, ops):
    assert client.get("/ops/deliveries/nope", headers=ops).status_code == 404
    assert client.post("/ops/deliveries/nope/resend", headers=ops).status_code == 404


def test_resend_sends_a_sent_email_again(app, stream, client, ops, delivered, inbox):
    response = client.post(f"/ops/deliveries/{delivered.event_id}/resend", headers=ops)
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    with running_worker(app, stream):
        wait_for(lambda: len(inbox.to(delivered.to)) == 2, what="the resent e-mail")
        wait_for(lambda: status_of(app, delivered.event_id) == "sent", what="the log to say sent")


def test_metrics_show_queue_depth_and_counts_by_status(client, send, delivered):
    send(receipt_job("waiting@example.com"))
    body = client.get("/metrics").get_data(as_text=True)
    assert 'notification_queue_jobs{state="waiting"} 1.0' in body
    assert 'notification_deliveries{status="sent"}' in body
    assert 'notification_deliveries{status="dead"}' in body
