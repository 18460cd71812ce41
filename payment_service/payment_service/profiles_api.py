"""Subscriber endpoints for saved cards (Manage Profiles)."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import profiles
from .schemas import ProfileInSchema, ProfileListSchema, ProfileSchema

blp = Blueprint("payment_profiles", __name__, url_prefix="/payment-profiles", description="Saved cards")


@blp.get("")
@account_required
@blp.response(200, ProfileListSchema)
def list_profiles():
    return {"items": profiles.list_profiles(g.account)}


@blp.post("")
@account_required
@blp.arguments(ProfileInSchema)
@blp.response(201, ProfileSchema)
def create_profile(body):
    return profiles.create_profile(g.account, body["payment_method"], body["make_default"])


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
