"""A free TCP port on 127.0.0.1, for a stack's services, a test's SMTP server or a benchmark's."""

import socket


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
