"""Money is a Decimal with two places, everywhere: in JSON a string such as "215.95", on a page "$215.95"."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from marshmallow import ValidationError, fields

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# ASCII digits only (Decimal itself also reads other scripts' digits and "1_000"); an exponent is allowed.
_AMOUNT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class MoneyError(ValueError):
    """Not an amount of money. `reason` is "invalid" (not a finite number), "places" (more than two) or
    "too_large" (more digits than a Decimal holds in cents)."""

    messages = {
        "invalid": "Enter an amount such as 12.34.",
        "places": "Use at most two decimal places.",
        "too_large": "That amount is too large.",
    }

    def __init__(self, reason):
        super().__init__(self.messages[reason])
        self.reason = reason


def to_money(value) -> Decimal:
    """Round a Decimal (or int or numeric string) to cents. Never pass a float."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, grouped=False) -> Decimal:
    """'12.3' (or an int or Decimal) -> Decimal('12.30'); with grouped=True '1,234.50' is read too.
    Raises MoneyError for anything that is not a finite amount with at most two decimal places."""
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int, Decimal)):
        raise MoneyError("invalid")
    text = str(value).strip()
    if grouped:
        text = text.replace(",", "")
    if not _AMOUNT.fullmatch(text):
        raise MoneyError("invalid")
    amount = Decimal(text)
    exponent = amount.as_tuple().exponent  # an int for a finite amount, as the pattern guarantees
    if isinstance(exponent, int) and exponent < -2:
        raise MoneyError("places")
    try:
        return to_money(amount)
    except InvalidOperation:  # cents would need more digits than the context's precision
        raise MoneyError("too_large") from None


def format_money(value: Decimal) -> str:
    """Decimal('1234.5') -> '1,234.50'."""
    return f"{to_money(value):,.2f}"


def display_money(value: Decimal) -> str:
    """How a person reads an amount: '$1,234.50', and '-$5.00' for a negative one."""
    amount = to_money(value)
    return f"-${format_money(-amount)}" if amount < 0 else f"${format_money(amount)}"


class Money(fields.Field):
    """A JSON money amount: "12.34" or 12.34, at most two decimal places, dumped as "12.34"."""

    default_error_messages: dict = MoneyError.messages

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(to_money(value))

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            amount = parse_money(value, grouped=True)
        except MoneyError as error:
            raise self.make_error(error.reason) from error
        if abs(amount) >= Decimal("1000000000"):
            raise self.make_error("too_large")
        return amount


def positive_money(value):
    if value <= ZERO:
        raise ValidationError("The amount must be more than zero.")
