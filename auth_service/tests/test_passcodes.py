import pytest

from auth_service.passcodes import generate_passcode, normalize_account


@pytest.mark.parametrize(
    "typed, account", [("99939999", "99939999"), ("9993-9999", "99939999"), (" 9993 9999 ", "99939999"), ("", "")]
)
def test_spaces_and_dashes_in_the_account_number_are_ignored(typed, account):
    assert normalize_account(typed) == account


def test_generated_passcodes_are_long_and_different():
    codes = {generate_passcode() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(code) == 12 for code in codes)
