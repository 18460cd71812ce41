"""HTTP load with wrk (Debian's), each figure the median of three runs after a warm-up."""

import re
import shutil
import statistics
import subprocess
import tempfile
import uuid
from pathlib import Path

# A new Idempotency-Key per request: the run's id, the wrk thread's number (wrk's threads share one random seed)
# and the thread's own counter.
PAYMENT_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
counter = 0
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", RUN, thread_number, counter)
  return wrk.format(nil, nil, nil, BODY)
end
"""


def wrk_available():
    return shutil.which("wrk") is not None


def _to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _percentile(output, percent):
    found = re.search(
        rf"^\s+{percent}%\s+(\S+)\s*$", output, re.MULTILINE
    )  # the Latency Distribution lines (seconds end in a space)
    return _to_ms(found.group(1)) if found else float("nan")  # wrk omits them when it timed nothing


REFUSED = re.compile(r"^Refused with status (\d+): (\d+): (.*)$", re.MULTILINE)


def parse(output):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50, p99 = _percentile(output, 50), _percentile(output, 99)
    mean = re.search(r"^\s+Latency\s+(\S+)", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    refused = REFUSED.findall(output)  # printed by a script's done() that tallies its answers (capacity.PAYERS_SCRIPT)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "mean_ms": _to_ms(mean.group(1)) if mean else float("nan"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "refused": {int(status): int(count) for status, count, _ in refused},
        "refused_answers": {int(status): answer for status, _, answer in refused},
    }


def run_wrk(url, headers=None, seconds=5, connections=8, threads=2, body=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    script = None
    if body is not None:
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(f'BODY = [[{body}]]\nRUN = "{uuid.uuid4().hex}"\n' + PAYMENT_SCRIPT)
        command[1:1] = ["-s", str(script)]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    finally:
        if script:
            script.unlink()
    try:
        return parse(output)
    except AttributeError as error:
        raise RuntimeError(f"cannot read wrk's output:\n{output}") from error


def run_wrk_script(url, script, seconds, connections, threads=2, headers=None):
    """wrk with a Lua script of its own (it builds each request), for `seconds`."""
    path = Path(tempfile.mkstemp(suffix=".lua")[1])
    path.write_text(script)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run(
            [*command, "-s", str(path), url], capture_output=True, text=True, check=True, timeout=seconds + 30
        ).stdout
    finally:
        path.unlink()
    figures = parse(output)
    if figures["p99_ms"] != figures["p99_ms"]:  # NaN: say what wrk printed instead of a silent n/a
        print(f"wrk printed no latency distribution:\n{output}", flush=True)
    return figures


def measure(url, headers=None, body=None, runs=3, seconds=5, connections=8):
    """Warm up, then the median of `runs` runs."""
    run_wrk(url, headers, seconds=1, connections=connections, body=body)
    results = [run_wrk(url, headers, seconds=seconds, connections=connections, body=body) for _ in range(runs)]
    numbers = [key for key, value in results[0].items() if isinstance(value, int | float)]
    return {key: statistics.median(result[key] for result in results) for key in numbers}
