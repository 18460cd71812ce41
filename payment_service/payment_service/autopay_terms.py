"""The AutoPay authorization text, versioned: a consent stores the version the subscriber read, so the words
they agreed to can always be shown again. Never edit a published version; add a new one and make it CURRENT."""

TERMS = {
    "2026-12-01": (
        "I authorize {company} to charge my {method} for the balance of each invoice of account {account} on its "
        "due date (an invoice that is already past due is charged on the next AutoPay run), until I turn AutoPay "
        "off. Before any charge whose amount differs from the last AutoPay charge, {company} e-mails me a notice "
        "with the amount and date at least {notice_days} days ahead. If a charge is declined, I am e-mailed and the "
        "charge is tried again after {retry_days} days; after the last failed try AutoPay is suspended. I can turn "
        "AutoPay off or change the card at any time on the Billing page or by calling {company}; turning it off "
        "stops every charge not yet started."
    ),
    # AutoPay may charge a bank account too: the subscriber can change the card or the bank account it uses.
    "2026-12-02": (
        "I authorize {company} to charge my {method} for the balance of each invoice of account {account} on its "
        "due date (an invoice that is already past due is charged on the next AutoPay run), until I turn AutoPay "
        "off. Before any charge whose amount differs from the last AutoPay charge, {company} e-mails me a notice "
        "with the amount and date at least {notice_days} days ahead. If a charge is declined, I am e-mailed and the "
        "charge is tried again after {retry_days} days; after the last failed try AutoPay is suspended. If my bank "
        "returns a debit, I am e-mailed and the invoice is due again; a return because the account is closed, does "
        "not exist or the debit was not authorized suspends AutoPay from that account. I can turn AutoPay off or "
        "change the card or bank account it charges at any time on the Billing page or by calling {company}; "
        "turning it off stops every charge not yet started."
    ),
}
CURRENT = "2026-12-02"


def render(version: str, *, company: str, method: str, account: str, notice_days: int, retry_days: str) -> str:
    return TERMS[version].format(
        company=company, method=method, account=account, notice_days=notice_days, retry_days=retry_days
    )
