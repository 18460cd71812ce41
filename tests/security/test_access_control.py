"""One account's token against another account's things: every answer is the 404 of a thing that does not exist
(same status, same body), nothing changes, and ops/internal endpoints refuse subscriber tokens."""

import re
import uuid

import pytest

from devtools.api_client import ApiClient
from tests.support.accounts import unique_invoice_number
from tests.support.cards import token

VIA = ("gateway", "service")


def api(stack, via, service, headers):
    """(client, path prefix): through the gateway's /api or straight to the service."""
    if via == "gateway":
        return ApiClient(stack.url("gateway"), headers), "/api"
    return ApiClient(stack.url(service), headers), ""


def _same_as_missing(response, missing, owned_id, missing_id):
    assert response.status == missing.status == 404, (response.status, response.data, missing.data)
    normalise = lambda r, value: re.sub(re.escape(value), "<id>", r.data.decode())  # noqa: E731
    assert normalise(response, owned_id) == normalise(missing, missing_id)
    assert response.json_body["error"]["code"] == "not_found"


INVOICE_PROBES = [
    ("GET", "/invoices/{}"),
    ("GET", "/invoices/{}/charges"),
    ("GET", "/invoices/{}/payments"),
    ("GET", "/invoices/{}/pdf"),
    ("POST", "/invoices/{}/email"),
]


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("method,template", INVOICE_PROBES)
def test_another_accounts_invoice_is_404_like_a_missing_one(stack, attacker, victim, via, method, template):
    client, prefix = api(stack, via, "invoice_service", attacker.bearer())
    body = {"email": "mallory@example.com"} if method == "POST" else None
    owned, missing_number = victim.invoices[1], unique_invoice_number()
    response = client.request(method, prefix + template.format(owned), body)
    missing = client.request(method, prefix + template.format(missing_number), body)
    _same_as_missing(response, missing, owned, missing_number)


@pytest.mark.parametrize("via", VIA)
def test_another_accounts_payment_is_404_like_a_missing_one(stack, attacker, victim, via):
    client, prefix = api(stack, via, "payment_service", attacker.bearer())
    missing_id = uuid.uuid4().hex
    _same_as_missing(
        client.get(f"{prefix}/payments/{victim.payment_id}"),
        client.get(f"{prefix}/payments/{missing_id}"),
        victim.payment_id,
        missing_id,
    )
    listed = client.get(f"{prefix}/payments")
    assert listed.status == 200 and victim.payment_id not in listed.data.decode()


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize(
    "method,template", [("DELETE", "/payment-profiles/{}"), ("POST", "/payment-profiles/{}/default")]
)
def test_another_accounts_saved_card_is_404_like_a_missing_one_and_stays(
    stack, attacker, victim, via, method, template
):
    client, prefix = api(stack, via, "payment_service", attacker.bearer())
    missing_id = uuid.uuid4().hex
    response = client.request(method, prefix + template.format(victim.profile_id))
    missing = client.request(method, prefix + template.format(missing_id))
    _same_as_missing(response, missing, victim.profile_id, missing_id)
    assert victim.profile_id not in client.get(f"{prefix}/payment-profiles").data.decode()
    owner = ApiClient(stack.url("payment_service"), victim.bearer()).get("/payment-profiles")
    assert victim.profile_id in owner.data.decode()


def _balance(stack, subscriber, number):
    response = ApiClient(stack.url("invoice_service"), subscriber.bearer()).get(f"/invoices/{number}")
    assert response.status == 200, response.data
    return response.json_body["balance"]


@pytest.mark.parametrize("via", VIA)
def test_paying_another_accounts_invoice_or_with_its_card_is_404_and_charges_nothing(stack, attacker, victim, via):
    client, prefix = api(stack, via, "payment_service", attacker.bearer())
    target = victim.invoices[2]
    before = _balance(stack, victim, target)
    on_their_invoice = client.post(
        f"{prefix}/payments",
        {
            "allocations": [{"invoice": target, "amount": "1.00"}],
            "payment_method": token(stack.url("sandbox_processor")),
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert on_their_invoice.status == 404, on_their_invoice.data
    assert on_their_invoice.json_body["error"]["code"] == "not_found"
    with_their_card = client.post(
        f"{prefix}/payments",
        {"allocations": [{"invoice": attacker.invoices[0], "amount": "1.00"}], "profile_id": victim.profile_id},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert with_their_card.status == 404, with_their_card.data
    assert _balance(stack, victim, target) == before
    assert _balance(stack, attacker, attacker.invoices[0]) == "40.00"
    attempts = client.get(f"{prefix}/payments").json_body["items"]
    assert attempts and all(item["status"] == "failed" and item["paid_at"] is None for item in attempts), attempts


def _privileged_operations(stack, service):
    document = ApiClient(stack.url(service)).get("/openapi.json").json_body
    for path, operations in document["paths"].items():
        if path.startswith(("/ops/", "/internal/")):
            for method in operations:
                if method in ("get", "post", "put", "patch", "delete"):
                    yield method.upper(), re.sub(r"\{[^}]+\}", "0", path)


@pytest.mark.parametrize("service", ["auth_service", "invoice_service", "payment_service", "notification_service"])
def test_ops_and_internal_endpoints_refuse_subscriber_tokens(stack, attacker, service):
    token = attacker.token()
    operations = list(_privileged_operations(stack, service))
    assert operations, f"{service} documents no /ops or /internal operation"
    client = ApiClient(stack.url(service))
    for method, path in operations:
        bearer_only = client.request(method, path, {}, headers={"Authorization": f"Bearer {token}"})
        assert bearer_only.status == 401, (method, path, bearer_only.data)
        if path.startswith("/ops/"):  # a subscriber token is not a staff token: its audience differs
            assert bearer_only.json_body["error"]["code"] == "invalid_token", (method, path, bearer_only.data)
        else:
            assert bearer_only.json_body["error"]["code"] == "missing_credential"
            as_service_key = client.request(method, path, {}, headers={"X-Service-Key": token})
            assert as_service_key.status == 403, (method, path, as_service_key.data)
            assert as_service_key.json_body["error"]["code"] == "bad_credential"


@pytest.mark.parametrize(
    "path",
    [
        "/api/ops/access/1",
        "/api/auth/../../ops/access/1",
        "/api/auth/%2e%2e/ops/audit",
        "/api/invoices/..%2F..%2Finternal/accounts/1",
        "/api/auth/..%5Cops/audit",
        "/api/internal/accounts/1",
        "/api/account/../ops/accounts/1",
    ],
)
def test_the_gateway_routes_no_ops_or_internal_path(stack, attacker, path):
    client = ApiClient(stack.url("gateway"), stack.staff_headers())
    response = client.get(path)
    assert response.status in (400, 404), (path, response.status, response.data)
