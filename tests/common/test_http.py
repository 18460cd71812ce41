"""billpay_common.http turns another service's answer into a result or one kind of exception, over real HTTP."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from billpay_common.http import ServiceClient, ServiceUnavailable, UpstreamError, checked

ANSWERS = {
    "/ok": (200, {"Content-Type": "application/json"}, json.dumps({"amount": 1.5})),
    "/missing": (
        404,
        {"Content-Type": "application/json"},
        json.dumps({"error": {"code": "not_found", "message": "No such invoice.", "fields": {"number": "unknown"}}}),
    ),
    "/throttled": (
        429,
        {"Retry-After": "30", "Content-Type": "application/json"},
        json.dumps({"error": {"code": "too_many_requests", "message": "Slow down."}}),
    ),
    "/html": (413, {"Content-Type": "text/html"}, "<h1>Request Entity Too Large</h1>"),
    "/outage": (
        503,
        {"Retry-After": "5", "Content-Type": "application/json"},
        json.dumps({"error": {"code": "try_again_shortly", "message": "Try again shortly."}}),
    ),
    "/broken": (500, {"Content-Type": "application/json"}, json.dumps({"error": {"code": "internal"}})),
}


class Answers(BaseHTTPRequestHandler):
    def do_GET(self):
        status, headers, body = ANSWERS[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def other_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ServiceClient(f"http://127.0.0.1:{server.server_address[1]}", timeout=2)
    server.shutdown()
    server.server_close()


def test_a_2xx_is_the_response(other_service):
    assert str(checked(other_service.get("/ok"), "other").json()["amount"]) == "1.5"


def test_a_4xx_carries_the_envelope(other_service):
    with pytest.raises(UpstreamError) as refused:
        checked(other_service.get("/missing"), "other")
    error = refused.value
    assert (error.status, error.code, error.message, error.fields) == (
        404,
        "not_found",
        "No such invoice.",
        {"number": "unknown"},
    )


def test_retry_after_is_kept(other_service):
    with pytest.raises(UpstreamError) as refused:
        checked(other_service.get("/throttled"), "other")
    assert (refused.value.status, refused.value.retry_after) == (429, "30")


def test_a_refusal_without_json_gets_the_defaults(other_service):
    class Refused(UpstreamError):
        pass

    with pytest.raises(Refused) as refused:
        checked(other_service.get("/html"), "other", Refused, default_message="That did not work.")
    assert (refused.value.status, refused.value.code, refused.value.message) == (413, "error", "That did not work.")


def test_a_5xx_or_no_answer_is_unavailable(other_service):
    with pytest.raises(ServiceUnavailable, match="other answered 500"):
        checked(other_service.get("/broken"), "other")
    with pytest.raises(ServiceUnavailable, match="other answered 503"):
        checked(other_service.get("/outage"), "other")
    with pytest.raises(ServiceUnavailable):
        ServiceClient("http://127.0.0.1:9", timeout=0.5).get("/ok")


class ClosesTheFirstConnection(BaseHTTPRequestHandler):
    """Reads each request; the first connection is closed without an answer (a replica stopping mid-request)."""

    protocol_version = "HTTP/1.1"
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append(self.command)
        if len(self.seen) == 1:
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def closing_service():
    ClosesTheFirstConnection.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ClosesTheFirstConnection)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ServiceClient(f"http://127.0.0.1:{server.server_address[1]}", timeout=2), ClosesTheFirstConnection.seen
    server.shutdown()
    server.server_close()


def test_a_get_cut_off_before_its_answer_is_sent_once_more(closing_service):
    client, seen = closing_service
    assert client.get("/invoices").status == 200
    assert seen == ["GET", "GET"]


def test_a_post_cut_off_before_its_answer_is_not_sent_again(closing_service):
    client, seen = closing_service
    with pytest.raises(ServiceUnavailable):
        client.post("/payments", {"amount": "1.00"})
    assert seen == ["POST"]
