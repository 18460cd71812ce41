"""The sandbox processor's card rules, pure: Luhn, brand from prefix and length, card code, expiry. No I/O.

Error messages never repeat the number or the code: they name the field and what is wrong.
"""

import dataclasses
import datetime

from billpay_common.card_expiry import expiry_problem, full_year

ACCEPTED = ("Visa", "Mastercard", "American Express", "Discover", "Diners Club", "JCB")

# (brand, prefix ranges as (low, high) over the first len(low) digits, allowed lengths); first match wins.
_BRANDS = (
    ("American Express", (("34", "34"), ("37", "37")), (15,)),
    ("Diners Club", (("300", "305"), ("36", "36"), ("38", "39")), (14, 15, 16, 17, 18, 19)),
    ("JCB", (("3528", "3589"),), (16, 17, 18, 19)),
    ("Mir", (("2200", "2204"),), ()),
    ("Mastercard", (("51", "55"), ("2221", "2720")), (16,)),
    ("Dankort", (("5019", "5019"),), ()),
    ("Maestro", (("50", "50"), ("56", "58"), ("6304", "6304"), ("6759", "6759"), ("6761", "6763")), ()),
    ("Discover", (("6011", "6011"), ("622126", "622925"), ("644", "649"), ("65", "65")), (16, 17, 18, 19)),
    ("UnionPay", (("62", "62"), ("81", "81")), ()),
    ("InterPayment", (("636", "636"),), ()),
    ("Troy", (("9792", "9792"),), ()),
    ("UATP", (("1", "1"),), ()),
    ("Visa", (("4", "4"),), (13, 16, 19)),
)


class CardInvalid(Exception):
    """Field-level problems, keyed like `card.number`."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("card details are not valid")
        self.fields = fields


@dataclasses.dataclass(frozen=True, repr=False)
class Card:
    """A card as entered, for the length of one call: never stored, logged or queued."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str
    brand: str

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:
        return f"Card({self.brand} ending {self.last4}, {self.exp_month:02d}/{self.exp_year})"


def digits_only(number: str | None) -> str:
    return (number or "").replace(" ", "").replace("-", "")


def ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() alone also takes superscripts, Arabic-Indic and full-width digits."""
    return text.isascii() and text.isdigit()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(digits: str) -> tuple[str | None, tuple[int, ...]]:
    """(brand, allowed lengths) by prefix, or (None, ()) when no network matches."""
    for brand, ranges, lengths in _BRANDS:
        for low, high in ranges:
            head = digits[: len(low)]
            if len(head) == len(low) and low <= head <= high:
                return brand, lengths
    return None, ()


def card_code_length(brand: str) -> int:
    return 4 if brand == "American Express" else 3


def _number_problem(digits: str) -> tuple[str | None, str | None]:
    if not digits:
        return None, "Enter the card number."
    if not ascii_digits(digits):
        return None, "A card number has digits only: type it with the digits 0 to 9 (spaces and dashes are fine)."
    brand, lengths = brand_of(digits)
    if brand is None:
        return None, f"We do not recognise this card. We accept {', '.join(ACCEPTED)}."
    if brand not in ACCEPTED:
        return None, f"We do not accept {brand} cards. We accept {', '.join(ACCEPTED)}."
    if len(digits) not in lengths or not luhn_valid(digits):
        return None, "This card number is not valid. Please check it and try again."
    return brand, None


def validate_card(
    number: str | None, exp_month: int, exp_year: int, cvc: str | None, today: datetime.date | None = None
) -> Card:
    """A Card, or CardInvalid with every problem found; spaces and dashes in the number are ignored."""
    today = today or datetime.date.today()
    digits = digits_only(number)
    problems = {}
    brand, problem = _number_problem(digits)
    if problem:
        problems["card.number"] = problem
    cvc = (cvc or "").strip(" ")
    wanted = card_code_length(brand) if brand else None
    if not cvc:
        problems["card.cvc"] = "Enter the card code (the 3 or 4 digits on the card)."
    elif not ascii_digits(cvc):
        problems["card.cvc"] = "Type the card code with the digits 0 to 9 (the 3 or 4 digits on the card)."
    elif wanted and len(cvc) != wanted:
        problems["card.cvc"] = f"The card code has {wanted} digits for {brand} cards."
    elif not wanted and len(cvc) not in (3, 4):
        problems["card.cvc"] = "The card code has 3 or 4 digits."
    expiry = expiry_problem(exp_month, exp_year, today)
    if expiry:
        problems[expiry[0]] = expiry[1]
    if problems or brand is None:
        raise CardInvalid(problems)
    return Card(number=digits, exp_month=exp_month, exp_year=full_year(exp_year), cvc=cvc, brand=brand)
