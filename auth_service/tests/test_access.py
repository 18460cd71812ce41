from devtools.testing import unique_account


def test_ops_endpoints_need_a_staff_token(client):
    assert client.post("/ops/access", json={}).status_code == 401
    assert client.post("/ops/access", json={}, headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_a_viewer_cannot_grant_access(client, staff_headers):
    body = {"account": unique_account(), "email": "x@example.com", "name": "X"}
    refused = client.post("/ops/access", json=body, headers=staff_headers("viewer-only", "viewer"))
    assert refused.status_code == 403 and "clerk role" in refused.json["error"]["message"]


def test_a_spoofed_actor_header_never_reaches_the_audit(client, staff_headers):
    number = unique_account()
    headers = {**staff_headers("clerk-jo", "clerk"), "X-Ops-Actor": "someone-else"}
    body = {"account": number, "email": "x@example.com", "name": "X"}
    assert client.post("/ops/access", json=body, headers=headers).status_code == 201
    audit = client.get(f"/ops/audit?account={number}", headers=headers).json
    assert [entry["actor"] for entry in audit] == ["staff:clerk-jo"]


def test_ops_endpoints_refuse_a_subscriber_token(client, ops):
    number = unique_account()
    client.post(
        "/ops/access",
        json={"account": number, "email": "x@example.com", "name": "X", "passcode": "pass-1234"},
        headers=ops,
    )
    token = client.post("/auth/login", json={"username": number, "password": "pass-1234"}).json["access_token"]
    response = client.get("/ops/audit", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_grant_generates_a_passcode_that_logs_in(client, ops):
    number = unique_account()
    granted = client.post("/ops/access", json={"account": number, "email": "x@example.com", "name": "X"}, headers=ops)
    assert granted.status_code == 201
    passcode = granted.json["passcode"]
    assert client.post("/auth/login", json={"username": number, "password": passcode}).status_code == 200


def test_granting_twice_is_a_conflict(client, ops):
    body = {"account": unique_account(), "email": "x@example.com", "name": "X"}
    assert client.post("/ops/access", json=body, headers=ops).status_code == 201
    assert client.post("/ops/access", json=body, headers=ops).status_code == 409


def test_revoke_reset_and_unlock_are_audited(client, ops, reset_token):
    number = unique_account()
    client.post(
        "/ops/access",
        json={"account": number, "email": "x@example.com", "name": "X", "passcode": "first-code"},
        headers=ops,
    )
    reset = client.post(f"/ops/access/{number}/reset-passcode", headers=ops)
    assert reset.status_code == 202 and "passcode" not in reset.json and reset.json["link_sent"] is True
    assert client.post("/auth/login", json={"username": number, "password": "first-code"}).status_code == 401
    link = {"token": reset_token(number), "new": "second-code"}
    assert client.post("/auth/passcode/set", json=link).status_code == 204
    assert client.post("/auth/login", json={"username": number, "password": "second-code"}).status_code == 200
    assert client.post(f"/ops/access/{number}/unlock", headers=ops).status_code == 200
    assert client.delete(f"/ops/access/{number}", headers=ops).status_code == 204
    assert client.post("/auth/login", json={"username": number, "password": "second-code"}).status_code == 401
    audit = client.get(f"/ops/audit?account={number}", headers=ops).json
    assert [entry["action"] for entry in audit] == [
        "revoke",
        "unlock",
        "set_passcode_from_link",
        "reset_passcode",
        "grant",
    ]
    assert {entry["actor"] for entry in audit} == {"staff:tester", "subscriber:link"}


def test_unknown_account_is_404_for_ops(client, ops):
    assert client.post(f"/ops/access/{unique_account()}/unlock", headers=ops).status_code == 404


def test_cli_grants_access_and_prints_the_passcode(runner, client):
    number = unique_account()
    result = runner.invoke(args=["grant-access", number, "--email", "x@example.com", "--name", "Cli User"])
    assert result.exit_code == 0, result.output
    passcode = result.output.split("Passcode: ")[1].strip()
    assert client.post("/auth/login", json={"username": number, "password": passcode}).status_code == 200
    assert runner.invoke(args=["unlock", number]).exit_code == 0
    assert runner.invoke(args=["reset-passcode", number, "--passcode", "abcd1234"]).exit_code == 0
    assert runner.invoke(args=["revoke-access", number]).exit_code == 0
    missing = runner.invoke(args=["unlock", unique_account()])
    assert missing.exit_code != 0 and "has no portal access" in missing.output


def test_short_passcode_is_refused_with_a_reason(client, ops):
    response = client.post(
        "/ops/access",
        json={"account": unique_account(), "email": "x@example.com", "name": "X", "passcode": "12"},
        headers=ops,
    )
    assert response.status_code == 422 and "at least 4" in response.json["error"]["message"]


def test_ops_reset_answer_holds_no_passcode_and_mails_the_address_on_file(client, ops, reset_jobs):
    number = unique_account()
    client.post("/ops/access", json={"account": number, "email": "on-file@example.com", "name": "X"}, headers=ops)
    reset = client.post(f"/ops/access/{number}/reset-passcode", json={"passcode": "chosen-1"}, headers=ops)
    assert reset.status_code == 202
    assert set(reset.json) == {"account", "name", "email", "active", "failed_attempts", "locked_until", "link_sent"}
    assert "chosen-1" not in reset.get_data(as_text=True)
    assert client.post("/auth/login", json={"username": number, "password": "chosen-1"}).status_code == 401
    [job] = reset_jobs(number)
    assert job["to"] == "on-file@example.com" and "passcode" not in job["data"]
