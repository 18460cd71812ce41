"""Bodies an attacker sends: over 1 MiB (MAX_CONTENT_LENGTH) and malformed JSON get a 4xx with the JSON error
envelope, on every operation that takes a JSON body, of every service and of the gateway's public API."""

import re

import pytest
import urllib3

from devtools.api_client import ApiClient

SERVICES = ["gateway", "auth_service", "invoice_service", "payment_service", "notification_service"]
OVERSIZED = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
MALFORMED = [b"{bad json", b'{"email": "a@example.com"', b"\xff\xfe\x00garbage", b'{"a": 1}}', b"[1, 2"]
ENVELOPE_CODES = {
    "bad_request",
    "request_entity_too_large",
    "payload_too_large",
    "validation_error",
    "unprocessable_entity",
    "invalid_json",
}


def _json_body_operations(stack, service):
    document = ApiClient(stack.url(service)).get("/openapi.json").json_body
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "application/json" in operation.get("requestBody", {}).get(
                "content", {}
            ):
                yield method.upper(), re.sub(r"\{[^}]+\}", "0", path)


def _assert_envelope(response, what):
    assert 400 <= response.status < 500, (what, response.status, response.data[:300])
    body = response.json_body
    assert isinstance(body, dict) and set(body) == {"error"}, (what, response.data[:300])
    assert body["error"]["code"] and body["error"]["message"], (what, body)
    assert "Traceback" not in response.data.decode(errors="replace")


@pytest.fixture(scope="module")
def credentials(stack, attacker):
    return {
        "X-Service-Key": stack.env["PAYMENT_SERVICE_KEY"],
        "Idempotency-Key": "limits-probe",
        "Content-Type": "application/json",
        **attacker.bearer(),
    }


@pytest.mark.parametrize("service", SERVICES)
def test_oversized_and_malformed_bodies_are_4xx_with_the_error_envelope(stack, credentials, service):
    if not stack.has(service):
        pytest.skip(f"{service} is not part of this stack (E2E_SERVICES)")
    operations = [op for op in _json_body_operations(stack, service) if op[1] != "/api/auth/login"]
    if service == "notification_service":
        assert not operations  # its ops API takes no body; the oversized probe below still applies
        operations = [("POST", "/ops/deliveries/0/resend")]
    assert operations

    def send(method, path, body):
        # A new connection each time: after a 413 the server closes the connection it did not read to the end,
        # although it answered keep-alive, and a reused connection would fail for the next probe.
        staff = stack.staff_headers() if path.startswith("/ops/") else {}  # the bodies get past the credential
        return ApiClient(stack.url(service), {**credentials, **staff}).request(method, path, raw=body)

    for method, path in operations:
        too_big = send(method, path, OVERSIZED)
        _assert_envelope(too_big, (method, path, "1 MiB"))
        if service != "notification_service":
            assert too_big.status == 413, (method, path, too_big.status, too_big.data[:200])
            for body in MALFORMED:
                _assert_envelope(send(method, path, body), (method, path, body))


def test_an_oversized_chunked_body_is_refused_too(stack, credentials):
    """No Content-Length to check up front: the limit must hold while reading."""

    def chunks():
        yield b'{"pad": "'
        for _ in range(17):
            yield b"x" * 65536
        yield b'"}'

    http = urllib3.PoolManager(retries=False, timeout=30)
    response = http.request(
        "POST", stack.url("payment_service") + "/payments", body=chunks(), chunked=True, headers=credentials
    )
    response.json_body = response.json() if response.data.startswith(b"{") else None
    _assert_envelope(response, "chunked 1 MiB")


def test_the_login_takes_bad_bodies_without_a_5xx(stack):
    """The gateway's login is limited per address on the shared stack, so it gets two probes only."""
    _assert_envelope(
        ApiClient(stack.url()).post("/api/auth/login", raw=b"{bad json", headers={"Content-Type": "application/json"}),
        "malformed login",
    )
    big = ApiClient(stack.url()).post("/api/auth/login", raw=OVERSIZED, headers={"Content-Type": "application/json"})
    _assert_envelope(big, "oversized login")
    assert big.status == 413
