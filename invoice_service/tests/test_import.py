import json
from pathlib import Path

import pytest

from devtools.testing import unique_account

EXAMPLES = Path(__file__).resolve().parents[2] / "deploy" / "examples"
HEADER = (
    "record,account,name,line1,line2,city,state,zip,account_type,status,comm_type,online_date,phone,email,"
    "invoice,date,due_date,amount,description,period_start,period_end,quantity,unit_price,tax"
)


def account_row(number, name="Doe, Jane"):
    return (
        f'account,{number},"{name}",1 Oak St,,Syracuse,NY,13204,Residential,Active,Digital,2020-01-01,555,j@example.com'
        + "," * 10
    )


def invoice_row(number, account, amount="54.00", date="2024-01-15", due="2024-02-15"):
    return "invoice," + account + "," * 13 + f"{number},{date},{due},{amount}" + "," * 6


def charge_row(invoice, price="49.95", tax="4.05", start="2024-02-01", end="2024-02-29"):
    return "charge" + "," * 14 + f"{invoice},,,,Central station monitoring,{start},{end},1,{price},{tax}"


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def summary(result):
    return result.output.split("Summary: ")[1].split(" (")[0]


def test_example_files_import_and_a_second_run_changes_nothing(runner, tmp_path):
    # The examples' numbers are fixed, so each run gets its own copy with fresh numbers.
    suffix = unique_account()[-6:]
    for name in ("invoices.csv", "invoices.jsonl"):
        text = (EXAMPLES / name).read_text().replace("1002003", suffix + "1").replace("R6001", f"R{suffix}")
        text = text.replace("600103", f"9{suffix}")
        (tmp_path / name).write_text(text)
    first = runner.invoke(args=["import", str(tmp_path / "invoices.csv")])
    assert first.exit_code == 0, first.output
    assert summary(first) == "created 5, updated 0, unchanged 0, rejected 0"
    for name in ("invoices.csv", "invoices.jsonl"):
        again = runner.invoke(args=["import", str(tmp_path / name)])
        assert summary(again) == "created 0, updated 0, unchanged 5, rejected 0", again.output


def test_imported_invoice_is_visible_with_its_charges(runner, client, tmp_path, as_subscriber):
    account, number = unique_account(), "I" + unique_account()
    path = write(tmp_path, "one.csv", [HEADER, account_row(account), invoice_row(number, account), charge_row(number)])
    assert runner.invoke(args=["import", path]).exit_code == 0
    charges = client.get(f"/invoices/{number}/charges", headers=as_subscriber(account)).json
    assert (charges["subtotal"], charges["tax"], charges["total"]) == ("49.95", "4.05", "54.00")


def test_changed_rows_are_updated(runner, client, tmp_path, as_subscriber):
    account, number = unique_account(), "I" + unique_account()
    runner.invoke(
        args=[
            "import",
            write(tmp_path, "a.csv", [HEADER, account_row(account), invoice_row(number, account), charge_row(number)]),
        ]
    )
    result = runner.invoke(
        args=[
            "import",
            write(
                tmp_path,
                "b.csv",
                [
                    HEADER,
                    account_row(account, "Doe, Janet"),
                    invoice_row(number, account, amount="60.00"),
                    charge_row(number, price="55.95"),
                ],
            ),
        ]
    )
    assert summary(result) == "created 0, updated 2, unchanged 0, rejected 0", result.output
    assert client.get("/account", headers=as_subscriber(account)).json["profile"]["name"] == "Doe, Janet"
    assert client.get(f"/invoices/{number}", headers=as_subscriber(account)).json["balance"] == "60.00"


def test_bad_rows_are_reported_with_their_line_and_never_half_written(runner, client, tmp_path, as_subscriber):
    account = unique_account()
    good, bad_charge, bad_total, orphan = ("I" + unique_account() for _ in range(4))
    path = write(
        tmp_path,
        "bad.csv",
        [
            HEADER,
            account_row(account),  # lines 1-2
            invoice_row(good, account),
            charge_row(good),  # 3-4
            invoice_row(bad_charge, account),
            charge_row(bad_charge, start="2024-13-01"),  # 5-6
            invoice_row(bad_total, account, amount="99.00"),
            charge_row(bad_total),  # 7-8
            invoice_row(orphan, "0000000001"),  # 9: unknown account
            invoice_row("BAD NUMBER!", account),  # 10
            "mystery," + "," * 23,  # 11
        ],
    )
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 1
    assert summary(result) == "created 2, updated 0, unchanged 0, rejected 5"
    assert "line 6: invoice" in result.output and "period_start '2024-13-01' is not a date" in result.output
    assert "line 7: invoice" in result.output and "add up to 54.00, not to its amount 99.00" in result.output
    assert "line 9: account 0000000001 does not exist" in result.output
    assert "line 10: number 'BAD NUMBER!'" in result.output
    assert "line 11: record must be" in result.output
    for number in (bad_charge, bad_total, orphan):
        assert client.get(f"/invoices/{number}", headers=as_subscriber(account)).status_code == 404


def test_jsonl_errors_name_their_line(runner, tmp_path):
    account = unique_account()
    lines = [
        json.dumps({"record": "account", "system_number": account, "name": "J"}),
        "{not json",
        json.dumps(
            {
                "record": "invoice",
                "number": "I" + account,
                "account": account,
                "date": "2024-01-01",
                "due_date": "2023-12-01",
                "amount": "1.00",
            }
        ),
        json.dumps(
            {
                "record": "invoice",
                "number": "J" + account,
                "account": account,
                "date": "2024-01-01",
                "due_date": "2024-01-01",
                "amount": 1.5,
            }
        ),
    ]
    result = runner.invoke(args=["import", write(tmp_path, "x.jsonl", lines)])
    assert summary(result) == "created 2, updated 0, unchanged 0, rejected 2", result.output
    assert "line 2: not valid JSON" in result.output and "line 3: invoice" in result.output


def test_small_batches_give_the_same_result(runner, tmp_path):
    account = unique_account()
    numbers = ["I" + unique_account() for _ in range(7)]
    rows = [HEADER, account_row(account)] + sum(([invoice_row(n, account), charge_row(n)] for n in numbers), [])
    path = write(tmp_path, "batches.csv", rows + [invoice_row(numbers[0], account), charge_row(numbers[0])])
    result = runner.invoke(args=["import", path, "--batch-size", "3"])
    assert summary(result) == "created 8, updated 0, unchanged 1, rejected 0", result.output


@pytest.mark.parametrize("header", ["", "record,name\naccount,x"])
def test_file_without_the_columns_is_rejected(runner, tmp_path, header):
    path = tmp_path / "empty.csv"
    path.write_text(header)
    result = runner.invoke(args=["import", str(path), "--format", "csv"])
    assert result.exit_code == 1 and "line 1: the header row lacks" in result.output
