"""Ending every session at once, changing and resetting the passcode, across the real stack."""

from urllib.parse import parse_qs, urlsplit

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser
from devtools.testing import unique_account
from tests.support.accounts import create_subscriber
from tests.support.mail import plain_text, wait_for_mail

JSON = {"Content-Type": "application/json"}


def _refused_everywhere(stack, headers):
    """The answers invoice_service, payment_service and auth_service give to these headers."""
    return [
        ApiClient(stack.url("invoice_service"), headers).get("/account").status,
        ApiClient(stack.url("payment_service"), headers).get("/payments").status,
        ApiClient(stack.url("auth_service"), headers).get("/auth/me").status,
    ]


def _reset_link_token(stack, subscriber):
    message = wait_for_mail(stack.mail_dir, lambda m: m["To"] == subscriber.email and "Set a new" in str(m["Subject"]))
    link = next(word for word in plain_text(message).split() if "/set-passcode?token=" in word)
    return parse_qs(urlsplit(link).query)["token"][0]


def test_tokens_issued_before_an_office_reset_are_refused_by_every_service(stack, ops_client):
    subscriber = create_subscriber(stack)
    headers = subscriber.bearer()
    assert _refused_everywhere(stack, headers) == [200, 200, 200]
    reset = ops_client("auth_service").post(f"/ops/access/{subscriber.account}/reset-passcode")
    assert reset.status == 202 and "passcode" not in reset.json_body
    assert _refused_everywhere(stack, headers) == [401, 401, 401]


def test_logout_in_one_portal_ends_the_other_sign_ins(stack):
    subscriber = create_subscriber(stack)
    laptop, phone = subscriber.portal(), subscriber.portal()
    api_headers = subscriber.bearer()
    billing = laptop.get("/billing")
    assert laptop.request("POST", "/logout", {"csrf_token": laptop.csrf_of(billing)}).status == 302
    assert _refused_everywhere(stack, api_headers) == [401, 401, 401]
    assert phone.get("/billing").status == 302  # back to the login page


def test_portal_change_passcode_needs_the_current_one_and_keeps_this_sign_in(stack):
    subscriber = create_subscriber(stack)
    browser, other = subscriber.portal(), subscriber.portal()
    token = browser.csrf_token("/passcode")
    wrong = browser.request(
        "POST", "/passcode", {"csrf_token": token, "current": "nope", "new": "n3w-pass", "confirm": "n3w-pass"}
    )
    assert wrong.status == 422 and "current passcode is not correct" in wrong.text
    changed = browser.request(
        "POST",
        "/passcode",
        {"csrf_token": token, "current": subscriber.passcode, "new": "n3w-pass", "confirm": "n3w-pass"},
    )
    assert changed.status == 302 and changed.headers["Location"].endswith("/billing")
    assert browser.get("/billing").status == 200
    assert other.get("/billing").status == 302
    assert PortalBrowser(stack.url()).login(subscriber.account, "n3w-pass").status == 302


def test_forgot_passcode_answers_alike_and_its_link_works_once(stack):
    subscriber = create_subscriber(stack)
    answers = []
    for account in (subscriber.account, unique_account()):
        browser = PortalBrowser(stack.url())
        page = browser.request(
            "POST", "/forgot-passcode", {"csrf_token": browser.csrf_token("/forgot-passcode"), "account": account}
        )
        answers.append((page.status, page.text.replace(browser.csrf_of(browser.get("/login")), "")))
    assert answers[0][0] == 200 and "Check your e-mail" in answers[0][1]
    assert answers[0] == answers[1]
    token = _reset_link_token(stack, subscriber)
    browser = PortalBrowser(stack.url())
    form = browser.get(f"/set-passcode?token={token}")
    fields = {"csrf_token": browser.csrf_of(form), "token": token, "new": "from-link", "confirm": "from-link"}
    done = browser.request("POST", "/set-passcode", fields)
    assert done.status == 302 and done.headers["Location"].endswith("/login")
    assert PortalBrowser(stack.url()).login(subscriber.account, "from-link").status == 302
    again = browser.request("POST", "/set-passcode", {**fields, "new": "second-go", "confirm": "second-go"})
    assert again.status == 422 and "used up or has expired" in again.text


def test_forgot_passcode_is_rate_limited_per_account(stack):
    account = unique_account()
    statuses = []
    for _ in range(4):
        browser = PortalBrowser(stack.url(), headers={"X-Forwarded-For": "203.0.113.9"})
        fields = {"csrf_token": browser.csrf_token("/forgot-passcode"), "account": account}
        statuses.append(browser.request("POST", "/forgot-passcode", fields).status)
    assert statuses == [200, 200, 200, 429]
    api = ApiClient(stack.url()).post("/api/auth/passcode/forgot", {"account": account})
    assert api.status == 429


def test_forgot_passcode_with_a_body_that_is_not_an_object_is_a_422_not_a_500(stack):
    for body in ("-1.9", '["12345678"]'):  # two: a third would meet the forgot-passcode limit of the blank account
        answer = ApiClient(stack.url()).post("/api/auth/passcode/forgot", raw=body.encode(), headers=JSON)
        assert answer.status == 422, (body, answer.status, answer.data)
        assert "account" in answer.json_body["error"]["message"].lower() or answer.json_body["error"]["fields"]
