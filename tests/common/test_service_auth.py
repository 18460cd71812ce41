"""The service credentials' pure parts: reading a receiver's accepted callers, naming the caller of a key."""

import pytest

from billpay_common.service_auth import check_key, digest, identify_caller, main, parse_callers

PAYMENT_KEY = "p" * 40
OTHER_KEY = "o" * 40


def test_callers_read_as_name_and_digest_pairs_with_rotation_side_by_side():
    text = f"payment_service={digest(PAYMENT_KEY)}, payment_service={digest(OTHER_KEY).upper()}"
    assert parse_callers(text) == (
        ("payment_service", digest(PAYMENT_KEY)),
        ("payment_service", digest(OTHER_KEY)),
    )
    assert parse_callers("") == ()


@pytest.mark.parametrize(
    "text",
    ["payment_service", f"payment_service:{digest(PAYMENT_KEY)}", "payment_service=abc", f"Bad-Name={'0' * 64}"],
)
def test_a_malformed_entry_is_refused_without_repeating_it(text):
    with pytest.raises(ValueError, match="entry 1 must read") as refused:
        parse_callers(text)
    assert text not in str(refused.value)


def test_the_matching_digest_names_the_caller():
    accepted = parse_callers(f"payment_service={digest(PAYMENT_KEY)},notification_service={digest(OTHER_KEY)}")
    assert identify_caller(PAYMENT_KEY, accepted) == "payment_service"
    assert identify_caller(OTHER_KEY, accepted) == "notification_service"
    assert identify_caller(PAYMENT_KEY[:-1], accepted) is None
    assert identify_caller(digest(PAYMENT_KEY), accepted) is None  # the digest itself opens nothing


def test_a_caller_key_is_empty_or_long():
    assert check_key("") == ""
    with pytest.raises(ValueError, match="at least 32"):
        check_key("x" * 31)


def test_the_command_prints_a_new_key_and_the_entry_that_accepts_it(capsys):
    assert main(["payment_service"]) == 0
    key_line, entry_line = capsys.readouterr().out.splitlines()
    key = key_line.removeprefix("PAYMENT_SERVICE_KEY=")
    assert len(key) >= 32 and check_key(key)
    entry = entry_line.rsplit(" ", 1)[-1]
    assert identify_caller(key, parse_callers(entry)) == "payment_service"
    assert main(["Payment Service"]) == 2
