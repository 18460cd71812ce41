"""The pure rules of two-step sign-in: which time step a code belongs to, and what a recovery code looks like."""

from urllib.parse import parse_qs, urlsplit

import pyotp

from auth_service import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015  # 15 seconds into step 60_000_000


def test_a_code_of_this_step_or_the_next_or_last_one_matches_its_own_step():
    step = NOW // 30
    for offset in (-1, 0, 1):
        code = pyotp.TOTP(SECRET).at(NOW + 30 * offset)
        assert totp.matching_step(SECRET, code, NOW) == step + offset


def test_a_code_two_steps_away_does_not_match():
    assert totp.matching_step(SECRET, pyotp.TOTP(SECRET).at(NOW + 60), NOW) is None
    assert totp.matching_step(SECRET, pyotp.TOTP(SECRET).at(NOW - 60), NOW) is None


def test_a_code_may_be_typed_with_a_space():
    code = pyotp.TOTP(SECRET).at(NOW)
    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", NOW) == NOW // 30


def test_anything_but_six_digits_is_not_an_authenticator_code():
    for typed in ("", "12345", "1234567", "abcdef", None):
        assert totp.matching_step(SECRET, typed, NOW) is None
        assert not totp.looks_like_totp(typed)


def test_recovery_codes_are_ten_different_ones_that_hash_the_same_however_typed():
    codes = totp.new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    code = codes[0]
    assert len(code) == 19 and code.count("-") == 3
    assert not totp.looks_like_totp(code)
    assert totp.recovery_code_hash(code) == totp.recovery_code_hash(code.replace("-", " ").upper())
    assert totp.recovery_code_hash(code) != totp.recovery_code_hash(codes[1])


def test_the_provisioning_address_names_the_company_and_the_account():
    uri = urlsplit(totp.provisioning_uri(SECRET, "99939999", "Dean Smith Security"))
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    query = parse_qs(uri.query)
    assert query["secret"] == [SECRET] and query["issuer"] == ["Dean Smith Security"]
    assert "99939999" in uri.path
