"""A free TCP port on 127.0.0.1, for a stack's services, a test's SMTP server or a benchmark's."""

import socket
import threading

_handed_out = set()
_lock = threading.Lock()


def free_port():
    """A port nothing listens on, never the same one twice in this process: the probe socket is closed before the
    caller binds the port, so the system may offer it again meanwhile, and two services of one test run handed one
    port would start with one of them answering for both."""
    with _lock:
        while True:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
