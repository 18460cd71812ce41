"""autopay_run.Shard: how a run split into N processes shares the accounts out."""

import os
import subprocess
import sys

import pytest

from payment_service.autopay_run import Shard

ACCOUNTS = [f"{number:08d}" for number in range(10_000_000, 10_001_000)]


@pytest.mark.parametrize("count", [1, 2, 3, 8])
def test_every_account_is_in_exactly_one_shard_and_the_shards_are_near_even(count):
    shards = [Shard(index, count) for index in range(count)]
    holders = [[shard.index for shard in shards if shard.holds(account)] for account in ACCOUNTS]
    assert all(len(found) == 1 for found in holders)
    sizes = [sum(1 for found in holders if found == [index]) for index in range(count)]
    assert min(sizes) >= 0.8 * len(ACCOUNTS) / count


def test_an_account_falls_in_the_same_shard_in_every_process():
    """Processes of one run, or runs on different days, must agree (Python's own hash() differs per process)."""
    program = "from payment_service.autopay_run import Shard; import sys; " + (
        "print([[Shard(k, 5).holds(a) for k in range(5)].index(True) for a in sys.argv[1:]])"
    )
    found = [
        subprocess.run(
            [sys.executable, "-c", program, *ACCOUNTS[:50]],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    here = [[Shard(index, 5).holds(account) for index in range(5)].index(True) for account in ACCOUNTS[:50]]
    assert found == [f"{here}\n"] * 2


@pytest.mark.parametrize("text, shard", [("0/1", Shard(0, 1)), ("2/3", Shard(2, 3)), ("15/16", Shard(15, 16))])
def test_a_shard_is_given_as_k_of_n(text, shard):
    assert Shard.parse(text) == shard


@pytest.mark.parametrize("text", ["3/3", "1", "a/2", "-1/2", "1/0", "0/", "/2", "1/2/3"])
def test_anything_else_is_refused_with_the_form_to_use(text):
    with pytest.raises(ValueError, match="K/N"):
        Shard.parse(text)
