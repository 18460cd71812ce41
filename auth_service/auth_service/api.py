"""Subscriber endpoints: login, refresh, logout, who am I, and the public keys."""

from flask import g, jsonify, request
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import keys, services, sessions
from .mfa_schemas import CodeChallengeSchema
from .schemas import JwksSchema, LoginSchema, MeSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Subscriber sign-in")


@blp.post("/login")
@blp.arguments(LoginSchema())
@blp.response(200, TokenSchema)
@blp.alt_response(202, schema=CodeChallengeSchema, description="Two-step sign-in is on: post a code next")
def login(credentials):
    answer = services.login(credentials["username"], credentials["password"], request.remote_addr)
    if answer.get("code_required"):
        return jsonify(CodeChallengeSchema().dump(answer)), 202
    return answer


@blp.post("/refresh")
@account_required
@blp.response(200, TokenSchema)
def refresh():
    return sessions.refresh(g.token_claims)


@blp.post("/logout")
@account_required
@blp.response(204)
def logout():
    """Ends every session of the subscriber, in every service, not only this one."""
    sessions.revoke_token(g.token_claims)
    sessions.end_all_sessions(g.account)


@blp.get("/me")
@account_required
@blp.response(200, MeSchema)
def me():
    return services.profile(g.account)


@blp.get("/jwks")
@blp.response(200, JwksSchema)
def jwks():
    return {"keys": keys.published_keys()}
