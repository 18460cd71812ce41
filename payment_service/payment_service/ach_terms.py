"""The NACHA debit authorization texts, versioned like the AutoPay terms: an authorization stores the version the
subscriber accepted, so the words can always be shown again. Never edit a published version; add a new one."""

TEXTS = {
    "ach-2026-12-02": (
        "I authorize {company} to debit my {bank_account} {when}: {amount}. The debit may take up to a few banking "
        "days to clear; if my bank returns it, the invoice is open again and I may be asked to pay it another way. "
        "I can revoke this authorization at any time before a debit starts by turning AutoPay off on the Billing "
        "page, removing the bank account in Manage Profiles, or calling {company}."
    ),
}
CURRENT = "ach-2026-12-02"
ONE_TIME = "one_time"
AUTOPAY = "autopay"
SAVED = "saved"  # a bank account connected in Manage Profiles, for the payments and AutoPay the subscriber chooses


def render(version: str, *, company: str, bank_account: str, method: str, amount: str | None = None) -> str:
    if method == ONE_TIME:
        when, what = "once, today", f"{amount} for the invoices I chose"
    elif method == SAVED:
        when = "each time I pay from it in the portal and, if I set up AutoPay from it, on each invoice's due date"
        what = "the amount I confirm for each payment, or each invoice's balance on that date"
    else:
        when, what = "on each invoice's due date", "each invoice's balance on that date"
    return TEXTS[version].format(company=company, bank_account=bank_account, when=when, amount=what)
