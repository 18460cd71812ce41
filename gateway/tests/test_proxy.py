import flask
import pytest

from devtools.testing import unique_account
from gateway.proxy import _route_has_no_limits, _target
from tests.support.serving import served


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/api/auth/login", ("auth", "/auth/login")),
        ("/api/account", ("invoice", "/account")),
        ("/api/invoices", ("invoice", "/invoices")),
        ("/api/invoices/528132/pdf", ("invoice", "/invoices/528132/pdf")),
        ("/api/payments/abc", ("payment", "/payments/abc")),
        ("/api/payment-profiles/3", ("payment", "/payment-profiles/3")),
        ("/api/autopay", ("payment", "/autopay")),
        ("/api/autopay/terms", ("payment", "/autopay/terms")),
        ("/api/account/paperless", ("invoice", "/account/paperless")),
    ],
)
def test_public_paths_map_to_their_service(path, expected):
    assert _target(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/api/ops/access",
        "/api/internal/reservations",
        "/api/invoices/../ops/audit",
        "/api/invoices/%2e%2e/internal",
        "/api/accounts",
        "/api/invoicesX",
        "/api/paymentsfoo",
        "/api/autopayX",
        "/api/ops/autopay",
    ],
)
def test_internal_and_unknown_paths_never_reach_a_service(path):
    assert _target(path) is None


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/ops/audit")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_service_down_is_a_clear_503(client):
    response = client.get("/api/account", headers={"Authorization": "Bearer x"})
    assert response.status_code == 503
    assert "try again shortly" in response.json["error"]["message"]


def test_login_page_down_service_is_friendly(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert b"<h1>Login</h1>" in page.data


def test_login_form_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "99939999", "password": "x"})
    assert response.status_code == 400
    assert b"The form had expired" in response.data


@pytest.mark.parametrize("path", ["/login", "/does-not-exist"])
def test_pages_carry_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_billing_needs_login(client):
    response = client.get("/billing")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_services_redirect_names_the_public_path_not_the_services_host(gateway_to_auth, auth_service):
    response = gateway_to_auth.test_client().post("/api/auth//login", json={"username": "1", "password": "x"})
    assert response.status_code == 308  # the service's own answer to a doubled slash
    assert response.headers["Location"] == "/api/auth/login"
    assert auth_service[1].split("//")[1] not in str(response.headers)


@pytest.mark.parametrize(
    "location, public",
    [
        ("{service}/auth/login", "/api/auth/login"),
        ("/auth/login?next=%2Fme", "/api/auth/login?next=%2Fme"),
        ("login", "/api/auth/login"),
        ("{service}/ops/access", None),
        ("{service}/internal/keys", None),
        ("http://elsewhere.example/auth/login", None),
    ],
)
def test_a_services_location_maps_to_its_public_path_or_is_dropped(gateway_to_auth, auth_service, location, public):
    from gateway.proxy import _public_location

    with gateway_to_auth.app_context():
        assert _public_location(location.format(service=auth_service[1]), "auth", "/auth/x") == public


def test_logout_through_the_public_api_revokes_the_token(gateway_to_auth, auth_service):
    from auth_service import access

    auth_app, _ = auth_service
    account = unique_account()
    with auth_app.app_context():
        access.grant_access(account, "logout@example.com", "Lou Gout", "tester", "logout-passcode")
    client = gateway_to_auth.test_client()
    login = client.post("/api/auth/login", json={"username": account, "password": "logout-passcode"})
    assert login.status_code == 200, login.json
    bearer = {"Authorization": f"Bearer {login.json['access_token']}"}
    assert client.post("/api/auth/logout", headers=bearer).status_code == 204
    assert client.post("/api/auth/refresh", headers=bearer).status_code == 401


def test_the_browsers_address_and_user_agent_reach_the_service(make_gateway):
    """payment_service records both as a bank debit's online mandate acceptance (Stripe's mandate_data)."""
    upstream = flask.Flask("upstream")

    @upstream.post("/payment-profiles")
    def echo():
        return {name: flask.request.headers.get(name) for name in ("User-Agent", "X-Forwarded-For")}

    with served(upstream) as url:
        gateway = make_gateway(PAYMENT_SERVICE_URL=url).test_client()
        response = gateway.post(
            "/api/payment-profiles",
            json={},
            headers={"Authorization": "Bearer x", "User-Agent": "Mozilla/5.0 (portal test)"},
            environ_base={"REMOTE_ADDR": "198.51.100.23"},
        )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json == {"User-Agent": "Mozilla/5.0 (portal test)", "X-Forwarded-For": "198.51.100.23"}


def test_only_the_catch_all_proxy_skips_the_rate_limiters_resolution(app):
    for path, skipped in (("/api/invoices", True), ("/api/payments", True), ("/api/auth/login", False)):
        with app.test_request_context(path, method="POST"):
            assert _route_has_no_limits() is skipped, path
