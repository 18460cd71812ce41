"""When the daily e-mail counts start again, as the 429 message says it (pure: no Redis)."""

from datetime import datetime

from billpay_common.email_limits import next_reset, reset_phrase, same_address


def test_the_counts_reset_at_the_next_utc_midnight():
    assert next_reset(datetime(2026, 12, 31, 23, 59, 30)) == datetime(2027, 1, 1)
    assert next_reset(datetime(2026, 3, 1, 0, 0)) == datetime(2026, 3, 2)


def test_the_phrase_names_the_day_and_the_wait_rounded_up():
    assert reset_phrase(datetime(2026, 12, 2, 18, 47, 10)) == "at 00:00 UTC on December 3 (in 5 h 13 min)"
    assert reset_phrase(datetime(2026, 12, 31, 23, 59, 59)) == "at 00:00 UTC on January 1 (in 1 min)"


def test_addresses_compare_without_case_or_spaces_and_empty_is_never_the_same():
    assert same_address("Pat@Example.com ", "pat@example.com")
    assert not same_address("", "")
    assert not same_address("pat@example.com", "pat@example.org")
