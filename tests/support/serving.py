"""A Flask app answering real HTTP in a thread, for tests where another process or client must reach it."""

import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def served(app):
    """`app` answering real HTTP on a free port of 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
