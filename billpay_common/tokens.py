"""Verify tokens (subscribers', and staff's via staff_auth): EdDSA JWTs signed by auth_service, keys from its JWKS."""

import functools
import logging
import time

import jwt
import redis
from flask import current_app, g, request

from .errors import Unauthorized, Unavailable

log = logging.getLogger(__name__)
ALGORITHMS = ["EdDSA"]
# Tokens whose signature a process remembers having checked (PyJWT's decode costs ~0.3 ms of Python a request).
VERIFIED_TOKENS_KEPT = 1024


def revoked_key(prefix, jti):
    return f"{prefix}revoked:{jti}"


def not_before_key(prefix, account):
    """When a subscriber's sessions last ended (logout, revoked access, new passcode): older tokens are refused."""
    return f"{prefix}not-before:{account}"


class TokenVerifier:
    """Fetches auth_service's JWKS once, caches it, and fetches again only for an unknown key id."""

    def __init__(
        self,
        jwks_url,
        issuer,
        audience,
        redis_client=None,
        key_prefix="billpay:",
        key_lookup=None,
        remember_verified=True,
    ):
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5)
        self.key_lookup = key_lookup or self.jwks.get_signing_key_from_jwt
        self.issuer = issuer
        self.audience = audience
        self.redis = redis_client
        self.key_prefix = key_prefix
        self.remember_verified = remember_verified
        self.verified = {}  # (token, audience) -> claims: its signature and claims checked already

    def verify(self, token, audience=None):
        """The claims of a valid token for `audience` (by default subscribers'): staff and subscriber tokens
        have different audiences, so neither passes as the other. A token's signature is checked once per
        process; its expiry and revocation on every request."""
        audience = audience or self.audience
        claims = self.verified.get((token, audience))
        if claims is None or claims["exp"] <= time.time():
            self.verified.pop((token, audience), None)
            claims = self._decode(token, audience)
            if self.remember_verified:
                if len(self.verified) >= VERIFIED_TOKENS_KEPT:
                    self.verified.clear()  # a bound on memory; the tokens in use are checked again once
                self.verified[(token, audience)] = claims
        if self.is_revoked(claims):
            raise Unauthorized("You have logged out. Please log in again.", code="token_revoked")
        return claims

    def _decode(self, token, audience):
        try:
            signing_key = self.key_lookup(token)
        except jwt.PyJWKClientConnectionError as error:
            log.warning("cannot reach auth_service for its keys: %s", error)
            raise Unavailable("Sign-in cannot be checked right now. Please try again shortly.") from error
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as error:
            raise Unauthorized("Your sign-in is not valid. Please log in again.", code="invalid_token") from error
        try:
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                audience=audience,
                options={"require": ["exp", "iat", "sub", "jti"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("Your session has expired. Please log in again.", code="token_expired") from error
        except jwt.InvalidTokenError as error:
            raise Unauthorized("Your sign-in is not valid. Please log in again.", code="invalid_token") from error
        return claims

    def revoke(self, claims):
        """Refuse this one token from now on (its id is kept until it would have expired anyway)."""
        ttl = max(1, int(claims["exp"] - time.time()))
        self.redis.set(revoked_key(self.key_prefix, claims["jti"]), "1", ex=ttl)

    def end_sessions(self, account, remember_seconds):
        """Refuse every token of `account` issued until now; `remember_seconds` must outlive those tokens."""
        self.redis.set(not_before_key(self.key_prefix, account), repr(time.time()), ex=remember_seconds)

    def is_revoked(self, claims):
        """Revoked by its id, or issued before its subscriber's sessions were all ended."""
        if self.redis is None:
            return False
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                pipe.exists(revoked_key(self.key_prefix, claims["jti"]))
                pipe.get(not_before_key(self.key_prefix, claims["sub"]))
                revoked, not_before = pipe.execute()
        except redis.RedisError as error:
            # Tokens live 15 minutes; a Redis outage must not stop payments, so it is logged, not fatal.
            log.warning("revocation list unreachable, accepting token: %s", error)
            return False
        return bool(revoked) or (not_before is not None and float(claims["iat"]) < float(not_before))


def init_token_verifier(app, redis_client=None, key_lookup=None):
    """key_lookup(token) -> PyJWK; by default auth_service's JWKS over HTTP. With the JWKS, a token's checked
    signature is remembered until the token expires: that trusts no key longer than the JWKS client's own hour of
    cached keys already does. auth_service passes its own key_lookup (its database): a key it retires ends that
    key's tokens there at once, so it remembers none."""
    app.extensions["billpay_tokens"] = TokenVerifier(
        app.config["AUTH_SERVICE_URL"].rstrip("/") + "/auth/jwks",
        app.config["TOKEN_ISSUER"],
        app.config["TOKEN_AUDIENCE"],
        redis_client,
        app.config["REDIS_KEY_PREFIX"],
        key_lookup,
        remember_verified=key_lookup is None,
    )


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Log in first: this needs a Bearer token.", code="missing_token")
    return token.strip()


def account_required(view):
    """The account comes from the verified token only, never from the URL or body."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        claims = current_app.extensions["billpay_tokens"].verify(bearer_token())
        g.account = claims["sub"]
        g.token_claims = claims
        return view(*args, **kwargs)

    return wrapper
