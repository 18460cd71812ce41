"""SANDBOX_LATENCY_MS makes the sandbox answer a charge as late as a real processor does, without holding up its
other requests: a card is tokenized, and another charge answered, while a charge waits."""

import json
import threading
import time
import urllib.request
import uuid

import pytest

from tests.support.sandbox import SECRET_KEY, payment_method, sandbox_processor

LATENCY_MS = 400


@pytest.fixture(scope="module")
def slow_sandbox(tmp_path_factory):
    with sandbox_processor(tmp_path_factory.mktemp("slow_sandbox"), latency_ms=LATENCY_MS) as url:
        yield url


def charge(sandbox_url, method):
    body = {"reference": uuid.uuid4().hex, "amount": "10.00", "payment_method": method, "capture": True}
    request = urllib.request.Request(
        f"{sandbox_url}/v1/charges",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {SECRET_KEY}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_a_charge_is_answered_after_the_latency(slow_sandbox):
    method = payment_method(slow_sandbox, "4242424242424242")
    started = time.monotonic()
    assert charge(slow_sandbox, method)["status"] == "charged"
    assert time.monotonic() - started >= LATENCY_MS / 1000


def test_a_waiting_charge_holds_up_neither_tokenizing_nor_other_charges(slow_sandbox):
    methods = [payment_method(slow_sandbox, "4242424242424242") for _ in range(8)]
    answers, finished = [], []

    def pay(method):
        answers.append(charge(slow_sandbox, method)["status"])
        finished.append(time.monotonic())

    started = time.monotonic()
    threads = [threading.Thread(target=pay, args=(method,)) for method in methods]
    for thread in threads:
        thread.start()
    tokenized_while_waiting = payment_method(slow_sandbox, "4242424242424242")
    tokenized_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=30)
    assert tokenized_while_waiting.startswith("pm_") and answers == ["charged"] * 8
    assert tokenized_at < min(finished)  # the card was tokenized before any waiting charge was answered
    assert min(finished) - started >= LATENCY_MS / 1000
    assert max(finished) - started < len(methods) * LATENCY_MS / 1000  # they waited together, not in turn
