"""A bank account Stripe must verify by microdeposits first: Manage Profiles says so and links to Stripe's page."""

from flask import get_flashed_messages, render_template, session

from gateway.portal import profiles
from gateway.portal.forms import BankAccountProfileForm, EmptyForm, ProfileForm

STRIPE_PAGE = "https://payments.stripe.com/microdeposit/sacs_test_abc123"


def render_profiles(verify_url):
    return render_template(
        "profiles.html",
        form=ProfileForm(formdata=None),
        bank_form=BankAccountProfileForm(formdata=None),
        profiles=[],
        bank_accounts=[],
        message=None,
        bank_message=None,
        verify_url=verify_url,
        action_form=EmptyForm(),
    )


def test_the_subscriber_is_told_to_verify_and_given_the_processors_page(app):
    with app.test_request_context("/profiles/bank-account", method="POST"):
        profiles._note_verification(STRIPE_PAGE)
        assert get_flashed_messages() == [profiles.AWAITING_VERIFICATION]
        page = render_profiles(session.pop(profiles.TO_VERIFY))
    assert f'href="{STRIPE_PAGE}"' in page and "Verify the deposits" in page


def test_only_a_web_page_is_linked(app):
    with app.test_request_context("/profiles/bank-account", method="POST"):
        profiles._note_verification("javascript:alert(1)")
        profiles._note_verification("data:text/html,hello")
        profiles._note_verification(None)
        assert profiles.TO_VERIFY not in session
        assert "Verify the deposits" not in render_profiles(None)
