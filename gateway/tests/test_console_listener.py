"""The office console exists on the console listener (CONSOLE_PORT) only: the public and internal listeners answer
its URLs as unknown pages, and the console listener serves nothing but the console and the health checks."""

import pytest

CONSOLE_PORT, INTERNAL_PORT = 9201, 9101
ON_CONSOLE = {"environ_overrides": {"SERVER_PORT": str(CONSOLE_PORT)}}
ON_INTERNAL = {"environ_overrides": {"SERVER_PORT": str(INTERNAL_PORT)}}


@pytest.fixture(scope="module")
def client(make_gateway):
    return make_gateway(CONSOLE_PORT=CONSOLE_PORT, INTERNAL_PORT=INTERNAL_PORT).test_client()


@pytest.mark.parametrize("path", ["/console/", "/console/sign-in", "//console/sign-in", "/console/static/console.js"])
def test_public_and_internal_listeners_answer_console_urls_as_unknown_pages(client, path):
    unknown = client.get("/no-such-page")
    for where in ({}, ON_INTERNAL):
        answer = client.get(path, **where)
        assert answer.status_code == 404, (path, where)
        assert answer.data == unknown.data or b"console" not in answer.data.lower()


def test_a_post_to_the_console_on_the_public_port_is_404_before_any_csrf_check(client):
    answer = client.post("/console/sign-in", data={"username": "a", "password": "b", "code": "123456"})
    assert answer.status_code == 404


@pytest.mark.parametrize("path", ["/", "/login", "/billing", "/api/account", "/metrics", "/openapi.json"])
def test_the_console_listener_serves_no_portal_page_nor_api(client, path):
    assert client.get(path, **ON_CONSOLE).status_code == 404


def test_the_console_listener_serves_the_sign_in_page_under_a_strict_policy(client):
    page = client.get("/console/sign-in", **ON_CONSOLE)
    assert page.status_code == 200 and b"Authenticator code" in page.data
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-src 'none'" in policy and "8010" not in policy
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"
    assert client.get("/healthz", **ON_CONSOLE).status_code == 200


def test_the_console_session_has_a_cookie_of_its_own(client):
    client.get("/console/sign-in", **ON_CONSOLE)
    cookie = client.get_cookie("billpay_console", path="/console")
    assert cookie is not None and cookie.http_only and cookie.path == "/console"
    assert client.get_cookie("billpay_session") is None


def test_signed_out_pages_send_to_the_sign_in(client):
    for path in ("/console/", "/console/accounts", "/console/import", "/console/payments"):
        answer = client.get(path, **ON_CONSOLE)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/console/sign-in"), path


def test_sign_in_without_the_csrf_token_is_refused(client):
    answer = client.post("/console/sign-in", data={"username": "a", "password": "b", "code": "123456"}, **ON_CONSOLE)
    assert answer.status_code == 400


def test_the_console_session_lives_console_idle_seconds_apart_from_the_portal_s(make_gateway):
    app = make_gateway(CONSOLE_PORT=CONSOLE_PORT, CONSOLE_IDLE_SECONDS=120, SESSION_IDLE_SECONDS=900)
    client = app.test_client()
    client.get("/console/sign-in", **ON_CONSOLE)
    sid = client.get_cookie("billpay_console", path="/console").value
    from gateway.extensions import redis_ext

    with app.app_context():
        ttl = redis_ext.client.ttl(redis_ext.key("console-session", sid))
        assert 0 < ttl <= 120
        assert redis_ext.client.get(redis_ext.key("session", sid)) is None  # never a portal session
    public = app.test_client()
    public.set_cookie("billpay_session", sid)
    assert public.get("/billing").status_code == 302  # the console's id opens nothing in the portal
