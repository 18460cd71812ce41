"""What the tests and bench/ both need: fresh account numbers, subscriber and staff tokens (test-only helpers are in
tests/support)."""

import uuid


def unique_account():
    """A random account number, so tests need no clean-up."""
    return str(uuid.uuid4().int % 10**9 + 10**9)


class TestTokens:
    """Subscriber and staff tokens for a service's own tests, signed by a key the test app trusts (no auth_service)."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.private_key = Ed25519PrivateKey.generate()
        self.kid = uuid.uuid4().hex

    def install(self, app):
        """Make `app` verify tokens with this key instead of fetching auth_service's JWKS."""
        import jwt

        public = jwt.PyJWK(
            jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True), algorithm="EdDSA"
        )
        verifier = app.extensions["billpay_tokens"]

        def lookup(token):
            if jwt.get_unverified_header(token).get("kid") != self.kid:
                raise jwt.PyJWKClientError("unknown key id")
            return public

        verifier.key_lookup = lookup

    def _sign(self, subject, audience, ttl, **claims):
        import time

        import jwt

        now = int(time.time())
        claims.update(sub=subject, iat=now, exp=now + ttl, jti=uuid.uuid4().hex, iss="billpay-auth", aud=audience)
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})

    def issue(self, account, name="Test Subscriber", ttl=900):
        return self._sign(account, "billpay", ttl, name=name)

    def headers(self, account, **kwargs):
        return {"Authorization": f"Bearer {self.issue(account, **kwargs)}"}

    def issue_staff(self, username, *roles, ttl=900):
        """A staff token (as auth_service's staff sign-in gives) for `username` with `roles`."""
        import time

        return self._sign(username, "billpay-staff", ttl, roles=list(roles), auth_time=int(time.time()))

    def staff_headers(self, username, *roles, **kwargs):
        return {"Authorization": f"Bearer {self.issue_staff(username, *roles, **kwargs)}"}
