"""The AutoPay and paperless forms of the portal are CSRF-protected like every other portal form."""

import time

import pytest


@pytest.fixture
def signed_in(client):
    with client.session_transaction() as session:
        session.update(
            account="99939999",
            name="Michael Jones",
            token="not-checked-here",
            token_exp=time.time() + 900,
            token_ttl=900,
        )
    return client


@pytest.mark.parametrize(
    "path", ["/autopay", "/autopay/off", "/billing/paperless", "/profiles/bank-account", "/profiles/bank-account/setup"]
)
def test_a_post_without_the_forms_token_is_refused(signed_in, path):
    page = signed_in.post(path, data={"paperless": "on", "agree": "y"})
    assert page.status_code == 400
    assert "The form had expired" in page.get_data(as_text=True)


def test_the_autopay_page_needs_a_login(client):
    page = client.get("/autopay")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


@pytest.mark.parametrize("path", ["/profiles", "/pay/saved/some-profile"])
def test_the_bank_account_pages_need_a_login(client, path):
    page = client.get(path)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
