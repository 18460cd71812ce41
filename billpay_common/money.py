"""Money is a Decimal with two places, everywhere: in JSON a string such as "215.95"."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from marshmallow import ValidationError, fields

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """Round a Decimal (or int or numeric string) to cents. Never pass a float."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    return f"{to_money(value):,.2f}"


class Money(fields.Field):
    """A JSON money amount: "12.34" or 12.34, at most two decimal places, dumped as "12.34"."""

    default_error_messages = {
        "invalid": "Enter an amount such as 12.34.",
        "places": "Use at most two decimal places.",
        "too_large": "That amount is too large.",
    }

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(to_money(value))

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise self.make_error("invalid")
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation as error:
            raise self.make_error("invalid") from error
        if not amount.is_finite():
            raise self.make_error("invalid")
        if amount.as_tuple().exponent < -2:
            raise self.make_error("places")
        if abs(amount) >= Decimal("1000000000"):
            raise self.make_error("too_large")
        return to_money(amount)


def positive_money(value):
    if value <= ZERO:
        raise ValidationError("The amount must be more than zero.")
