"""`python -m sandbox_processor [PORT]`: the sandbox processor on 127.0.0.1 (default port 8010)."""

import sys

from werkzeug.serving import run_simple

from . import create_app

DEFAULT_PORT = 8010


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT
    run_simple("127.0.0.1", port, create_app(), threaded=True)


if __name__ == "__main__":
    main()
