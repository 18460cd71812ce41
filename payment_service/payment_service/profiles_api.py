"""Subscriber endpoints for saved cards (Manage Profiles)."""

from flask import g, jsonify
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import ach_authorizations, bank_account_setups, profiles
from .autopay_api import client_address
from .schemas import (
    BankAccountSetupSchema,
    DebitAuthorizationQuerySchema,
    DebitAuthorizationSchema,
    ProfileInSchema,
    ProfileListSchema,
    ProfileSchema,
)

blp = Blueprint("payment_profiles", __name__, url_prefix="/payment-profiles", description="Saved cards")


@blp.get("")
@account_required
@blp.response(200, ProfileListSchema)
def list_profiles():
    return {"items": profiles.list_profiles(g.account)}


@blp.post("")
@account_required
@blp.arguments(ProfileInSchema())
@blp.response(201, ProfileSchema)
@blp.alt_response(
    202,
    description="awaiting_verification: the bank account must first be verified by microdeposits at verify_url "
    "(the processor's page); it is saved when the processor's setup_intent.succeeded event comes",
)
@blp.alt_response(409, description="already_saved: that bank account is saved already")
@blp.alt_response(
    422,
    description="a SetupIntent not this account's, not succeeded, not a bank account's, or without the debit "
    "authorization accepted",
)
def create_profile(body):
    """Save a card (`payment_method`, its one-time token) or a bank account (`setup_intent`, with
    `ach_authorization`: the version of the debit authorization text accepted)."""
    if "setup_intent" in body:
        saved = bank_account_setups.save(
            g.account, body["setup_intent"], body.get("ach_authorization"), body["make_default"], client_address()
        )
        return (jsonify(saved), 202) if isinstance(saved, dict) else saved
    return profiles.create_profile(g.account, body["payment_method"], body["make_default"])


@blp.post("/bank-account-setup")
@account_required
@blp.response(201, BankAccountSetupSchema)
@blp.alt_response(503, description="try_again_shortly: the processor did not answer")
def start_bank_account_setup():
    """Start connecting a bank account: a SetupIntent for the account's Customer, whose client_secret the processor's
    script (Stripe.js collectBankAccountForSetup) collects the account with, and the debit authorization to show."""
    return bank_account_setups.start(g.account)


@blp.delete("/<profile_id>")
@account_required
@blp.response(204)
def delete_profile(profile_id):
    profiles.delete_profile(g.account, profile_id)


@blp.post("/<profile_id>/default")
@account_required
@blp.response(200, ProfileSchema)
def make_default(profile_id):
    return profiles.set_default(g.account, profile_id)


@blp.get("/<profile_id>/debit-authorization")
@account_required
@blp.arguments(DebitAuthorizationQuerySchema(), location="query")
@blp.response(200, DebitAuthorizationSchema)
@blp.alt_response(404, description="not_found: no such saved bank account")
@blp.alt_response(422, description="not_a_bank_account: a saved card")
def debit_authorization(query, profile_id):
    """The NACHA debit authorization to show before paying from this bank account (send its version back as
    ach_authorization): a one-time debit of `amount`, or without it AutoPay's debits."""
    profile = profiles.profile_of(g.account, profile_id)
    return ach_authorizations.text_to_accept(profile, query.get("amount"))
