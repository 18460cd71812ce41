"""A US bank account entered in the sandbox's fields: the rules it must meet before it is tokenized. Pure, no I/O.

The routing number must pass the ABA checksum (`stdnum.us.rtn`); the account number is 4 to 17 digits, as
NACHA allows. Only the last 4 of the account number leave this module with the token."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.exceptions import ValidationError
from stdnum.us import rtn

ACCOUNT_TYPES = ("checking", "savings")
# Routing numbers the sandbox knows a bank name for (the test bank Stripe documents, and two real ones).
BANK_NAMES = {"110000000": "STRIPE TEST BANK", "021000021": "JPMORGAN CHASE", "011000015": "FEDERAL RESERVE BANK"}


class BankAccountInvalid(ValueError):
    def __init__(self, fields):
        super().__init__(next(iter(fields.values())))
        self.fields = fields


@dataclass(frozen=True)
class BankAccount:
    routing_number: str
    account_number: str
    account_type: str
    holder_name: str

    @property
    def last4(self):
        return self.account_number[-4:]

    @property
    def bank_name(self):
        return BANK_NAMES.get(self.routing_number)


def validate_bank_account(routing_number, account_number, account_type, holder_name):
    problems = {}
    routing = re.sub(r"[ -]", "", routing_number or "")
    try:
        rtn.validate(routing)
    except ValidationError:
        problems["us_bank_account.routing_number"] = "This routing number is not valid: check the 9 digits."
    account = re.sub(r"[ -]", "", account_number or "")
    if not re.fullmatch(r"[0-9]{4,17}", account):
        problems["us_bank_account.account_number"] = "The account number has 4 to 17 digits."
    if account_type not in ACCOUNT_TYPES:
        problems["us_bank_account.account_type"] = "Choose checking or savings."
    name = " ".join((holder_name or "").split())
    if not name:
        problems["us_bank_account.account_holder_name"] = "Enter the name on the account."
    if problems:
        raise BankAccountInvalid(problems)
    return BankAccount(routing, account, account_type, name)


def add_banking_days(start: date, days: int) -> date:
    """The date `days` banking days after `start` (weekends skipped; the sandbox keeps no holiday calendar)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
