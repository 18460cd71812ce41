"""Container health probe without curl: `python deploy/probe.py /readyz` exits 0 on HTTP 200, else 1.

It runs every few seconds in every container, so it reads PORT straight from the environment when set (the
images set it; gunicorn has validated it at start) and imports the settings classes, about 0.4 s of CPU
each time, only when it is not."""

import os
import sys
import urllib.request


def _port():
    port = os.environ.get("PORT", "")
    if port.isdigit():
        return int(port)
    from billpay_common.settings import ServerSettings, read_settings

    return read_settings(ServerSettings).PORT


def main(path="/healthz"):
    url = f"http://127.0.0.1:{_port()}{path}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:  # connection refused, timeout, or an HTTP error status such as 503
        print(f"probe {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
