"""AutoPay enrolment through the subscriber API and the office's: consent records, e-mails, turning off."""

from autopay_helpers import enrol, events, saved_card

from payment_service.autopay_terms import CURRENT


def test_autopay_is_off_until_set_up(client, auth):
    response = client.get("/autopay", headers=auth)
    assert response.status_code == 200
    assert response.json["status"] == "off" and response.json["method"] is None


def test_terms_name_the_card_and_the_current_version(client, auth):
    profile = saved_card(client, auth)
    response = client.get(f"/autopay/terms?profile_id={profile}", headers=auth)
    assert response.json["version"] == CURRENT
    assert "Visa card ending in 4242" in response.json["text"]
    assert "due date" in response.json["text"] and "turn AutoPay off" in response.json["text"]


def test_terms_read_before_a_new_version_are_refused_but_still_shown_as_agreed(app, client, auth, account):
    from payment_service import autopay, autopay_terms

    profile = saved_card(client, auth)
    earlier = "2026-12-01"
    response = client.put(
        "/autopay", json={"profile_id": profile, "terms_version": earlier, "agree": True}, headers=auth
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "terms_changed"
    with app.app_context():
        assert "change the card at any time" in autopay.terms_for(account, version=earlier)
        assert "change the card or bank account it charges" in autopay.terms_for(account)
    assert earlier in autopay_terms.TERMS and earlier != CURRENT


def test_set_up_stores_the_consent_and_queues_a_confirmation(app, client, auth, account, ops):
    profile = saved_card(client, auth)
    state = enrol(client, auth, profile, address="203.0.113.7")
    assert state["status"] == "on"
    assert state["method"] == {"type": "card", "profile_id": profile, "brand": "Visa", "last4": "4242"}
    [consent] = client.get(f"/ops/autopay/{account}", headers=ops).json["consents"]
    assert consent["action"] == "enrol" and consent["terms_version"] == CURRENT
    assert consent["client_address"] == "203.0.113.7" and consent["staff_actor"] is None
    assert consent["profile_id"] == profile and consent["last4"] == "4242"
    [confirmation] = events(app, account, "autopay.enrolled")
    assert confirmation["terms_version"] == CURRENT and "ending in 4242" in confirmation["terms"]


def test_changing_the_card_is_a_new_consent(client, auth, account, ops):
    first, second = saved_card(client, auth), saved_card(client, auth, number="5555555555554444")
    enrol(client, auth, first)
    state = enrol(client, auth, second)
    assert state["method"]["last4"] == "4444"
    actions = [consent["action"] for consent in client.get(f"/ops/autopay/{account}", headers=ops).json["consents"]]
    assert actions == ["enrol", "change"]


def test_set_up_needs_the_tick_and_the_current_text(client, auth):
    profile = saved_card(client, auth)
    unticked = client.put(
        "/autopay", json={"profile_id": profile, "terms_version": CURRENT, "agree": False}, headers=auth
    )
    assert unticked.status_code == 422
    old = client.put(
        "/autopay", json={"profile_id": profile, "terms_version": "2001-01-01", "agree": True}, headers=auth
    )
    assert old.status_code == 422 and old.json["error"]["code"] == "terms_changed"
    assert client.get("/autopay", headers=auth).json["status"] == "off"


def test_set_up_with_another_accounts_card_is_404(client, auth, tokens):
    stranger = tokens.headers("77700001", name="Someone Else")
    profile = saved_card(client, stranger)
    response = client.put(
        "/autopay", json={"profile_id": profile, "terms_version": CURRENT, "agree": True}, headers=auth
    )
    assert response.status_code == 404


def test_turning_off_is_recorded_and_e_mailed(app, client, auth, account, ops):
    enrol(client, auth, saved_card(client, auth))
    response = client.delete("/autopay", headers=auth)
    assert response.status_code == 200 and response.json["status"] == "off"
    assert len(events(app, account, "autopay.turned_off")) == 1
    assert client.delete("/autopay", headers=auth).status_code == 404
    actions = [consent["action"] for consent in client.get(f"/ops/autopay/{account}", headers=ops).json["consents"]]
    assert actions == ["enrol", "turn_off"]


def test_the_card_autopay_charges_cannot_be_deleted(client, auth):
    profile = saved_card(client, auth)
    enrol(client, auth, profile)
    response = client.delete(f"/payment-profiles/{profile}", headers=auth)
    assert response.status_code == 409 and response.json["error"]["code"] == "card_in_autopay"


def test_the_office_enrols_and_turns_off_with_its_name_on_record(client, auth, account, ops):
    profile = saved_card(client, auth)
    enrolled = client.put(
        f"/ops/autopay/{account}", json={"profile_id": profile, "terms_version": CURRENT}, headers=ops
    )
    assert enrolled.status_code == 200 and enrolled.json["status"] == "on"
    assert account in [row["account"] for row in client.get("/ops/autopay", headers=ops).json]
    assert client.delete(f"/ops/autopay/{account}", headers=ops).status_code == 200
    consents = client.get(f"/ops/autopay/{account}", headers=ops).json["consents"]
    assert [(consent["action"], consent["staff_actor"]) for consent in consents] == [
        ("enrol", "staff:tester"),
        ("turn_off", "staff:tester"),
    ]


def test_office_endpoints_need_the_ops_credential(client, auth, account):
    assert client.get("/ops/autopay", headers=auth).status_code == 401
    assert client.put(f"/ops/autopay/{account}", json={}, headers=auth).status_code == 401


def test_the_office_cli_enrols_lists_and_turns_off(client, auth, account, runner):
    profile = saved_card(client, auth)
    enrolled = runner.invoke(args=["autopay", "enrol", account, profile, "--actor", "mary"])
    assert enrolled.exit_code == 0, enrolled.output
    assert account in runner.invoke(args=["autopay", "list"]).output
    off = runner.invoke(args=["autopay", "off", account, "--actor", "mary"])
    assert off.exit_code == 0, off.output
    assert account not in runner.invoke(args=["autopay", "list"]).output
    assert runner.invoke(args=["autopay", "off", account, "--actor", "mary"]).exit_code != 0
