"""Container health probe without curl: `python deploy/probe.py /readyz` exits 0 on HTTP 200, else 1."""

import sys
import urllib.request

from billpay_common.settings import ServerSettings, read_settings


def main(path="/healthz"):
    url = f"http://127.0.0.1:{read_settings(ServerSettings).PORT}{path}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:  # connection refused, timeout, or an HTTP error status such as 503
        print(f"probe {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
