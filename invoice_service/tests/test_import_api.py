"""POST /ops/imports: the import of the `import` command over HTTP, for the office console and billpay-office."""

from test_import import HEADER, account_row, charge_row, invoice_row

from devtools.testing import unique_account


def _csv(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_the_import_stores_good_rows_and_lists_each_rejected_one(client, staff_headers, as_subscriber):
    account, good, bad = unique_account(), "H" + unique_account(), "H" + unique_account()
    body = _csv(
        account_row(account),
        invoice_row(good, account),
        charge_row(good),
        invoice_row(bad, account, amount="99.00"),
        charge_row(bad),
    )
    answer = client.post("/ops/imports?format=csv", data=body, headers=staff_headers("cl", "clerk"))
    assert answer.status_code == 200, answer.json
    assert answer.json["totals"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert answer.json["counts"]["invoice"]["created"] == 1
    [rejected] = answer.json["rejected"]
    assert rejected["line"] == 5 and "add up to 54.00, not to its amount 99.00" in rejected["reason"]
    assert client.get(f"/invoices/{good}", headers=as_subscriber(account)).status_code == 200
    assert client.get(f"/invoices/{bad}", headers=as_subscriber(account)).status_code == 404


def test_a_second_run_of_the_same_file_changes_nothing(client, staff_headers):
    account = unique_account()
    body = _csv(account_row(account))
    client.post("/ops/imports", data=body, headers=staff_headers("cl", "clerk"))
    again = client.post("/ops/imports", data=body, headers=staff_headers("cl", "clerk"))
    assert again.json["totals"] == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}


def test_a_viewer_cannot_import_and_an_unknown_format_is_422(client, staff_headers):
    body = _csv(account_row(unique_account()))
    refused = client.post("/ops/imports", data=body, headers=staff_headers("vi", "viewer"))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "missing_role"
    assert client.post("/ops/imports", data=body).status_code == 401
    wrong = client.post("/ops/imports?format=xml", data=body, headers=staff_headers("cl", "clerk"))
    assert wrong.status_code == 422 and "format" in wrong.json["error"]["fields"]
