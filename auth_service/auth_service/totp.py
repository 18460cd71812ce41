"""A subscriber's second factor, pure rules with no I/O: TOTP secrets and codes (RFC 6238, 6 digits, 30-second
steps) and single-use recovery codes, of which only a hash is kept."""

import hashlib
import hmac
import re
import secrets

import pyotp

DIGITS = 6
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper
_RECOVERY_LENGTH = 16  # 16 letters of 31: 79 bits, so a plain SHA-256 of it cannot be reversed by guessing
_TOTP_CODE = re.compile(r"^\d{6}$")


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(secret, account, issuer):
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def looks_like_totp(code):
    return bool(_TOTP_CODE.match(clean(code)))


def clean(code):
    """A code as typed, less the spaces and dashes people put in it."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def matching_step(secret, code, now):
    """The time step (now, or one either side for a clock that drifts) whose code is `code`, or None."""
    code = clean(code)
    if not _TOTP_CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes():
    """Codes to show once, grouped in fours for reading (the dashes do not matter when typed back)."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    return codes


def recovery_code_hash(code):
    return hashlib.sha256(clean(code).encode()).hexdigest()
