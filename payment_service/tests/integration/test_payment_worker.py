import os
import signal
import subprocess
import sys
import time

from payment_helpers import body, pay


def test_worker_once_relays_and_reconciles(client, auth, runner, new_invoice, invoice_service):
    invoice = new_invoice("12.00")
    payment = pay(client, auth, body([(invoice, "12.00")], number="4000000000000119")).json
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert client.get(f"/payments/{payment['id']}", headers=auth).json["status"] == "succeeded"


def test_worker_stops_cleanly_on_sigterm(app, tmp_path):
    env = {
        **os.environ,
        "PAYMENT_SERVICE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "REDIS_KEY_PREFIX": app.config["REDIS_KEY_PREFIX"],
        "INVOICE_SERVICE_URL": app.config["INVOICE_SERVICE_URL"],
        "BILLPAY_VAR_DIR": str(tmp_path),
        "PAYMENT_SERVICE_KEY": app.config["PAYMENT_SERVICE_KEY"],
    }
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "payment_service", "worker", "--interval", "0.2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while "payment worker started" not in (tmp_path / "worker.log").read_text():
            assert worker.poll() is None and time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
        assert "payment worker stopped" in (tmp_path / "worker.log").read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()
