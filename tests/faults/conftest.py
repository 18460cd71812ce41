"""One stack for the fault tests, separate from the shared `stack` fixture: these tests kill its processes and
stop its Redis and database links. Each test puts back what it broke before it ends."""

import pytest
from fault_helpers import FaultStack


@pytest.fixture(scope="package")
def faults(tmp_path_factory):
    fault_stack = FaultStack(tmp_path_factory.mktemp("faults"))
    try:
        yield fault_stack.start()
    finally:
        fault_stack.stop()
