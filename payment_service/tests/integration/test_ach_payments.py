"""Bank-account (ACH) payments through the real sandbox processor and invoice_service: processing (pending here)
with the invoice amount held until the sandbox's clock passes the settlement days, then settled by its
payment_intent.succeeded event, or returned (R01, R02, R03, R10) by payment_intent.payment_failed: reversed, the
invoice's balance back, the subscriber e-mailed. Each event is applied once however often it is listed."""

import datetime
from decimal import Decimal

import pytest
import sqlalchemy
from autopay_helpers import events
from payment_helpers import SANDBOX, pay

from billpay_common.clock import utcnow
from payment_service import ach_terms
from payment_service.ach_returns import apply_listed_events
from payment_service.extensions import db
from payment_service.models import Payment
from payment_service.processor import current_processor
from payment_service.reconcile import due_payment_ids, reconcile_pending
from tests.support.sandbox import move_clock, tokenize_bank_account

MONDAY = datetime.date(2026, 11, 30)
AFTER_SETTLEMENT = datetime.date(2026, 12, 4)  # three banking days later, and one


def bank_token(account_number="000123456789"):
    status, method = tokenize_bank_account(SANDBOX["url"], account_number)
    assert status == 200, method
    return method["id"]


def pay_by_bank(client, auth, invoice, amount, account_number="000123456789", **extra):
    move_clock(SANDBOX["url"], MONDAY)
    body = {
        "allocations": [{"invoice": invoice, "amount": amount}],
        "payment_method": bank_token(account_number),
        "ach_authorization": ach_terms.CURRENT,
        **extra,
    }
    return pay(client, auth, {name: value for name, value in body.items() if value is not None})


def settle(app):
    move_clock(SANDBOX["url"], AFTER_SETTLEMENT)
    with app.app_context():
        return apply_listed_events(current_processor())


def payment(app, payment_id):
    with app.app_context():
        found = db.session.get(Payment, payment_id)
        return found.status.value, found.failure_code


def test_a_bank_payment_is_pending_with_the_invoice_held_then_settles(
    app, client, auth, account, new_invoice, invoice_service
):
    invoice = new_invoice("108.00")
    answer = pay_by_bank(client, auth, invoice, "108.00")
    assert answer.status_code == 201, answer.json
    assert answer.json["status"] == "pending" and answer.json["card"]["last4"] == "6789"
    assert invoice_service.held(invoice) == Decimal("108.00")
    with app.app_context():  # days of processing are not a lost answer: the reconciler leaves it to its event
        assert answer.json["id"] not in due_payment_ids()
    again = pay_by_bank(client, auth, invoice, "108.00")
    assert again.status_code == 409, again.json  # the held amount cannot be paid twice
    assert settle(app).get("succeeded", 0) >= 1
    assert payment(app, answer.json["id"]) == ("succeeded", None)
    assert invoice_service.balance(invoice) == Decimal("0.00")
    [receipt] = events(app, account, "payment.receipt")
    assert receipt["payment_id"] == answer.json["id"]


def test_a_bank_debit_whose_event_is_long_overdue_is_looked_up_then_left_for_another_day(
    app, client, auth, new_invoice, invoice_service
):
    answer = pay_by_bank(client, auth, new_invoice("42.00"), "42.00")
    payment_id = answer.json["id"]
    with app.app_context():
        a_day_later = utcnow() + datetime.timedelta(seconds=app.config["ACH_LOOKUP_AFTER_SECONDS"] + 1)
        assert payment_id in due_payment_ids(a_day_later)
        looked_up_at = db.session.get(Payment, payment_id).updated_at
        assert reconcile_pending(a_day_later)[payment_id] == "unknown"  # the sandbox says it is still clearing
        db.session.expire_all()
        assert db.session.get(Payment, payment_id).updated_at > looked_up_at  # asked again a day from now
    assert payment(app, payment_id) == ("pending", None)
    assert invoice_service.held(answer.json["allocations"][0]["invoice"]) == Decimal("42.00")


@pytest.mark.parametrize(
    "account_number, code",
    [("000222222227", "R01"), ("000111111113", "R02"), ("000111111116", "R03"), ("000333333335", "R10")],
)
def test_a_returned_debit_is_reversed_and_the_subscriber_told(
    app, client, auth, account, new_invoice, invoice_service, account_number, code
):
    invoice = new_invoice("107.95")
    answer = pay_by_bank(client, auth, invoice, "107.95", account_number)
    assert answer.status_code == 201 and answer.json["status"] == "pending", answer.json
    assert invoice_service.balance(invoice) == Decimal("107.95") and invoice_service.held(invoice) == Decimal("107.95")
    settle(app)
    assert payment(app, answer.json["id"]) == ("failed", f"ach_return_{code}")
    assert invoice_service.held(invoice) == Decimal("0.00")
    assert invoice_service.balance(invoice) == Decimal("107.95")
    [notice] = events(app, account, "payment.returned")
    assert (notice["payment_id"], notice["return_code"], notice["invoices"]) == (answer.json["id"], code, invoice)


def test_each_event_is_applied_once_however_often_it_is_listed(app, client, auth, account, new_invoice):
    invoice = new_invoice("50.00")
    answer = pay_by_bank(client, auth, invoice, "50.00", "000222222227")
    first, second = settle(app), settle(app)
    assert first.get("returned", 0) >= 1 and "returned" not in second and second["duplicate"] >= 1
    assert payment(app, answer.json["id"]) == ("failed", "ach_return_R01")
    assert len(events(app, account, "payment.returned")) == 1


def test_a_bank_payment_without_the_accepted_authorization_is_refused_by_field(client, auth, new_invoice):
    answer = pay_by_bank(client, auth, new_invoice("20.00"), "20.00", ach_authorization=None)
    assert answer.status_code == 422 and answer.json["error"]["code"] == "ach_authorization_required"
    assert "ach_authorization" in answer.json["error"]["fields"]


def test_the_office_retrieves_the_authorization_with_its_text_for_two_years(client, auth, account, new_invoice, ops):
    invoice = new_invoice("30.00")
    body = {
        "allocations": [{"invoice": invoice, "amount": "30.00"}],
        "payment_method": bank_token(),
        "ach_authorization": ach_terms.CURRENT,
    }
    answer = pay(client, {**auth, "X-Forwarded-For": "203.0.113.9"}, body)
    assert answer.status_code == 201, answer.json
    assert client.get(f"/ops/ach-authorizations/{account}", headers=auth).status_code in (401, 403)
    [record] = client.get(f"/ops/ach-authorizations/{account}", headers=ops).json
    assert (record["method"], record["payment_id"], record["amount"]) == ("one_time", answer.json["id"], "30.00")
    assert (record["client_address"], record["text_version"]) == ("203.0.113.9", ach_terms.CURRENT)
    assert "ending in 6789" in record["text"] and "$30.00" in record["text"] and "revoke" in record["text"]
    accepted = datetime.date.fromisoformat(record["accepted_at"][:10])
    assert datetime.date.fromisoformat(record["keep_until"]) - accepted >= datetime.timedelta(days=730)


def test_the_account_number_is_kept_nowhere_in_payment_service(app, client, auth, new_invoice, caplog):
    account_number = "000987654321"
    answer = pay_by_bank(client, auth, new_invoice("12.00"), "12.00", account_number)
    assert answer.status_code == 201, answer.json
    assert account_number not in caplog.text
    assert account_number not in _every_row(app)


def _every_row(app):
    """Every row of every table, read through the app's own engine: opening the SQLite file beside it would drop
    the process's locks on it (POSIX locks are per process) and break the app's other connections."""
    with app.app_context(), db.engine.connect() as connection:
        tables = sqlalchemy.MetaData()
        tables.reflect(connection)
        return "\n".join(str(row) for table in tables.sorted_tables for row in connection.execute(table.select()))


def test_records_past_their_two_years_are_forgotten_but_not_while_autopay_may_debit_under_them(app, account):
    from payment_service.ach_authorizations import forget_expired
    from payment_service.models import AutoPayEnrolment

    now = utcnow()
    today, old, recent = now.date(), now - datetime.timedelta(days=3 * 365), now - datetime.timedelta(days=365)
    with app.app_context():
        db.session.add(AutoPayEnrolment(account=account, status="on", profile_id="prof_x", terms_version="v1"))
        rows = {
            "one-time, two years past": _authorization(account, "one_time", old),
            "AutoPay still on, two years past": _authorization(account, "autopay", old),
            "one-time, recent": _authorization(account, "one_time", recent),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        ids = {name: row.id for name, row in rows.items()}
        assert forget_expired(today) >= 1
        kept = {name for name, row_id in ids.items() if db.session.get(type(rows[name]), row_id) is not None}
        assert kept == {"AutoPay still on, two years past", "one-time, recent"}

        db.session.get(AutoPayEnrolment, account).status = "off"  # turned off today: kept two years from today
        db.session.commit()
        forget_expired(today)
        assert db.session.get(type(rows["one-time, recent"]), ids["AutoPay still on, two years past"]) is not None


def _authorization(account, method, last_debit):
    from payment_service.ach_authorizations import KEEP_FOR
    from payment_service.models import AchAuthorization

    return AchAuthorization(
        account=account,
        method=method,
        text_version=ach_terms.CURRENT,
        bank_account="Checking account ending in 6789",
        profile_id="prof_x" if method == "autopay" else None,
        accepted_at=last_debit,
        last_debit_at=last_debit,
        keep_until=(last_debit + KEEP_FOR).date(),
    )


def test_a_pass_over_the_processors_events_stops_after_a_page_it_has_applied(
    app, client, auth, new_invoice, monkeypatch
):
    from payment_service.processor import sandbox

    paid = [pay_by_bank(client, auth, new_invoice("12.00"), "12.00").json["id"] for _ in range(3)]
    first = settle(app)
    assert first.get("succeeded", 0) >= 3 and all(payment(app, each) == ("succeeded", None) for each in paid)
    monkeypatch.setattr(sandbox, "EVENT_PAGE", 1)
    assert settle(app) == {"duplicate": 1}  # the newest page was all applied already: older pages are not read
