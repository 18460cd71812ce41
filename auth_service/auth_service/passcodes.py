"""Passcodes: argon2id hashes, generated passcodes, and how a person may type an account number."""

import re
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from billpay_common.errors import Unprocessable

MIN_PASSCODE_LENGTH = 4
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "lIO0o1")


def make_hasher(config):
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def verify(hasher, passcode_hash, passcode):
    try:
        return hasher.verify(passcode_hash, passcode)
    except (VerificationError, InvalidHashError):
        return False


def generate_passcode(length=12):
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def normalize_account(typed):
    """The account number as typed, less the spaces and dashes people put in it."""
    return re.sub(r"[\s\-]", "", typed or "")


def check_new_passcode(passcode, field="passcode"):
    """The one rule for a passcode someone chooses (the office at grant or reset, the subscriber at a change)."""
    if len(passcode) < MIN_PASSCODE_LENGTH:
        raise Unprocessable(
            f"A passcode needs at least {MIN_PASSCODE_LENGTH} characters.", fields={field: "Too short."}
        )
    return passcode
