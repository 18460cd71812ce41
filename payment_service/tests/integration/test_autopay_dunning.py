"""Advance notices of a changed amount, and declines: e-mail, retries on the schedule, suspension, exceptions."""

from datetime import date, timedelta

from autopay_helpers import attempts_of, enrol, events, run_on, saved_card

from tests.support import cards

TODAY = date.today()
DECLINED_VISA = "4000000000000002"


def test_a_changed_amount_is_announced_once_notice_days_ahead(app, client, auth, account, new_invoice):
    enrol(client, auth, saved_card(client, auth))
    new_invoice("50.00")
    run_on(app, TODAY)  # the first AutoPay charge: 50.00
    due = TODAY + timedelta(days=20)
    changed = new_invoice("65.00", due_date=due)
    run_on(app, due - timedelta(days=11))
    assert [notice for notice in events(app, account, "autopay.notice") if notice["invoice"] == changed] == []
    run_on(app, due - timedelta(days=10))
    run_on(app, due - timedelta(days=9))
    [notice] = [notice for notice in events(app, account, "autopay.notice") if notice["invoice"] == changed]
    assert notice["amount"] == "65.00" and notice["previous_amount"] == "50.00"
    assert notice["due_date"] == due.isoformat() and notice["method"] == "Visa card ending in 4242"


def test_the_same_amount_as_last_time_needs_no_notice(app, client, auth, account, new_invoice):
    enrol(client, auth, saved_card(client, auth))
    new_invoice("39.99")
    run_on(app, TODAY)
    same = new_invoice("39.99", due_date=TODAY + timedelta(days=5))
    run_on(app, TODAY + timedelta(days=1))
    assert [notice for notice in events(app, account, "autopay.notice") if notice["invoice"] == same] == []


def test_declines_are_retried_on_the_schedule_then_autopay_is_suspended(app, client, auth, account, new_invoice, ops):
    enrol(client, auth, saved_card(client, auth, number=DECLINED_VISA))
    invoice = new_invoice("70.00")
    run_on(app, TODAY)
    [declined] = events(app, account, "autopay.declined")
    assert declined["next_try"] == (TODAY + timedelta(days=3)).isoformat()
    assert declined["pay_link"] == app.config["PORTAL_PAYMENT_URL"] and declined["invoice"] == invoice
    run_on(app, TODAY + timedelta(days=2))
    assert len(attempts_of(app, account)) == 1
    run_on(app, TODAY + timedelta(days=3))
    assert [event["next_try"] for event in events(app, account, "autopay.declined")][1] == (
        TODAY + timedelta(days=7)
    ).isoformat()
    run_on(app, TODAY + timedelta(days=7))
    assert [status for _, _, status in attempts_of(app, account)] == ["declined"] * 3
    [suspended] = events(app, account, "autopay.suspended")
    assert suspended["invoice"] == invoice and suspended["pay_link"]
    state = client.get("/autopay", headers=auth).json
    assert state["status"] == "suspended" and invoice in state["reason"]
    assert account in [row["account"] for row in client.get("/ops/autopay/exceptions", headers=ops).json]
    run_on(app, TODAY + timedelta(days=30))
    assert len(attempts_of(app, account)) == 3


def test_setting_up_again_after_suspension_charges_the_new_card(app, client, auth, account, new_invoice, monkeypatch):
    monkeypatch.setitem(app.config, "AUTOPAY_RETRY_DAYS", "1")
    enrol(client, auth, saved_card(client, auth, number=DECLINED_VISA))
    new_invoice("20.00")
    run_on(app, TODAY)
    run_on(app, TODAY + timedelta(days=1))
    assert client.get("/autopay", headers=auth).json["status"] == "suspended"
    enrol(client, auth, saved_card(client, auth, number=cards.VISA))
    run_on(app, TODAY + timedelta(days=2))
    assert [status for _, _, status in attempts_of(app, account)] == ["declined", "declined", "succeeded"]


def test_the_office_sees_upcoming_charges(client, auth, account, new_invoice, ops):
    enrol(client, auth, saved_card(client, auth))
    soon, later = (
        new_invoice("11.00", due_date=TODAY + timedelta(days=4)),
        new_invoice("12.00", due_date=TODAY + timedelta(days=40)),
    )
    listing = client.get("/ops/autopay/upcoming?days=10", headers=ops)
    assert listing.status_code == 200, listing.json
    rows = [row for row in listing.json if row["account"] == account]
    assert [(row["invoice"], row["amount"]) for row in rows] == [(soon, "11.00")]
    assert later not in [row["invoice"] for row in rows]
    assert client.get("/ops/autopay/upcoming?days=-1", headers=ops).status_code == 422


def test_a_card_expired_by_the_due_date_suspends_autopay_without_a_charge(app, client, auth, account, new_invoice, ops):
    enrol(client, auth, saved_card(client, auth))  # expires 12/2031 (payment_helpers.CARD)
    due = date(2032, 1, 5)
    invoice = new_invoice("33.00", due_date=due)
    run_on(app, due)
    assert attempts_of(app, account) == []
    [suspended] = events(app, account, "autopay.suspended")
    assert suspended["invoice"] == invoice and "expired at the end of 12/2031" in suspended["message"]
    assert account in [row["account"] for row in client.get("/ops/autopay/exceptions", headers=ops).json]
