"""Staff on the real stack: each person signs in at auth_service with password and TOTP, each ops endpoint of
every service checks the role, and the audit names the person from the token, whatever a header claims."""

import uuid

from devtools.api_client import ApiClient
from devtools.testing import unique_account
from tests.support.accounts import create_staff_member, create_subscriber, ops, pay_and_save_card


def test_a_spoofed_actor_header_never_reaches_the_audit(stack):
    clerk = create_staff_member(stack, "clerk")
    account = unique_account()
    office = ApiClient(stack.url("auth_service"), {**clerk.headers(), "X-Ops-Actor": "the-boss"})
    granted = office.post("/ops/access", {"account": account, "email": f"{account}@example.com", "name": "Spoof"})
    assert granted.status == 201, granted.data
    audit = office.get(f"/ops/audit?account={account}").json_body
    assert [entry["actor"] for entry in audit] == [f"staff:{clerk.username}"]


def test_a_viewer_cannot_grant_and_a_clerk_cannot_refund(stack, victim):
    viewer, clerk = create_staff_member(stack, "viewer"), create_staff_member(stack, "clerk")
    body = {"account": unique_account(), "email": "v@example.com", "name": "Vi"}
    refused = viewer.client(stack, "auth_service").post("/ops/access", body)
    assert refused.status == 403 and "clerk role" in refused.json_body["error"]["message"]
    assert viewer.client(stack, "auth_service").get(f"/ops/access/{victim.account}").status == 200
    refund = clerk.client(stack, "payment_service").post(f"/ops/payments/{victim.payment_id}/refund", {})
    assert refund.status == 403 and "supervisor role" in refund.json_body["error"]["message"]


def test_every_service_refuses_a_staff_token_without_the_role(stack):
    viewer = create_staff_member(stack, "viewer")
    writes = {
        "auth_service": "/ops/access",
        "invoice_service": "/ops/invoices",
        "payment_service": f"/ops/payments/{uuid.uuid4().hex}/void",
        "notification_service": "/ops/deliveries/retry-dead",
    }
    for service, path in writes.items():
        if stack.has(service):
            answer = viewer.client(stack, service).post(path, {})
            assert answer.status == 403, (service, answer.data)


def test_a_staff_token_is_refused_where_a_subscriber_token_is_expected(stack):
    staff = ApiClient(stack.url("gateway"), ops(stack, "auth_service").headers)
    assert staff.get("/api/auth/me").status == 401


def test_a_refund_above_the_limit_waits_for_a_second_supervisor(stack, victim):
    payer = pay_and_save_card(create_subscriber(stack, ("750.00",), name="Big Payer"), "750.00")
    first, second = create_staff_member(stack, "supervisor"), create_staff_member(stack, "supervisor")
    asked = first.client(stack, "payment_service").post(f"/ops/payments/{payer.payment_id}/refund", {})
    assert asked.status == 202 and asked.json_body["status"] == "awaiting_approval", asked.data
    approve = f"/ops/payments/reversals/{asked.json_body['id']}/approve"
    assert first.client(stack, "payment_service").post(approve, {}).status == 409
    approved = second.client(stack, "payment_service").post(approve, {})
    assert approved.status == 200 and approved.json_body["decided_by"] == f"staff:{second.username}"
    listed = ops(stack, "payment_service").get(f"/ops/payments?account={payer.account}").json_body["items"]
    assert [item["status"] for item in listed if item["id"] == payer.payment_id] == ["refunded"]
